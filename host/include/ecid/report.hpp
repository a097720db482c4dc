// Rendering of document reports for people (aligned text) and machines (JSON).
#pragma once

#include <ecid/engine.hpp>

#include <string>
#include <vector>

namespace ecid {

std::string render_text(const DocumentReport& report, bool show_queries);
// One JSON document: {"documents": [...], "summary": {...}}.
std::string render_json(const std::vector<DocumentReport>& reports);

}  // namespace ecid
