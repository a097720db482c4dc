// ecid adapter SDK: taking in an untrusted document. Header-only on pugixml, which the adapter
// links itself (ecid_add_adapter(... LINK pugixml::pugixml)).
//
//   const ecid::sdk::XmlDocument xml(document, {.max_document_bytes = 4u << 20},
//                                    {{"CaseFiling", "urn:ecid:court:filing:1"}});
//   const ecid::sdk::XmlReader r = xml.reader();
//   ... r.text(xml.root(), "CaseNumber") ...
//
// Every refusal throws InvalidDocument with one line saying where, never what a field holds.
// Includes adapter.hpp: an adapter that sets ECID_ADAPTER_ABI_MINOR defines it first.
#ifndef ECID_SDK_DOCUMENT_HPP
#define ECID_SDK_DOCUMENT_HPP

#include <ecid/adapter.hpp>
#include <ecid/sdk_text.hpp>
#include <ecid/sdk_xml.hpp>

#include <pugixml.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace ecid::sdk {

// What a hostile document may cost: set them from what a real one ever needs.
struct XmlLimits {
  size_t max_document_bytes;
  // Each attribute value and each element's text. 0: not bounded here, for an adapter that
  // judges its fields itself (a batch reports a bad record instead of refusing the batch).
  size_t max_field_bytes = 1024;
  // The element whose text may be longer (a signed token): its local name ("Assertion": any
  // element of that name), or the local names of the path that ends at it ("Filer/Assertion").
  std::string_view long_field = {};
  size_t max_long_field_bytes = 16 * 1024;
};

// One document type: the root element's local name in its namespace. Not copied: constants.
struct XmlRoot {
  std::string_view name;
  std::string_view ns;
};

// The checks every format starts with: not empty, at most `max_bytes`, and no NUL byte (no text
// document has one; UTF-16 has many).
inline void check_document_bytes(std::string_view bytes, size_t max_bytes) {
  if (bytes.empty()) throw InvalidDocument("empty document");
  if (bytes.size() > max_bytes)
    throw InvalidDocument(
        cat("document is larger than ", byte_size(max_bytes), " (", std::to_string(bytes.size()), " bytes)"));
  if (const size_t nul = bytes.find('\0'); nul != std::string_view::npos)
    throw InvalidDocument(cat("document contains a NUL byte at offset ", std::to_string(nul)));
}

namespace detail {

// True when the local names of `e` and its ancestors end the way `path` ("Filer/Assertion") does.
inline bool path_ends_with(pugi::xml_node e, std::string_view path) {
  if (path.empty()) return false;
  for (;; e = e.parent()) {
    const size_t slash = path.rfind('/');
    if (!e || e.type() != pugi::node_element || local_name(e) != path.substr(slash + 1)) return false;
    if (slash == std::string_view::npos) return true;
    path = path.substr(0, slash);
  }
}

inline void check_element_fields(const pugi::xml_node& e, const XmlLimits& limits) {
  for (pugi::xml_attribute a = e.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view v = a.value();
    if (v.size() > limits.max_field_bytes)
      throw InvalidDocument(cat("attribute '", quoted(a.name()), "' of ", element_path(e), " is longer than ",
                                byte_size(limits.max_field_bytes), " (", std::to_string(v.size()), " bytes)"));
    if (!is_valid_utf8(v))
      throw InvalidDocument(cat("invalid UTF-8 in attribute '", quoted(a.name()), "' of ", element_path(e)));
  }
  // Text may come in pieces (CDATA sections, text around a comment): the bound is on the whole.
  auto is_text = [](const pugi::xml_node& c) { return c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata; };
  size_t text = 0;
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling())
    if (is_text(c)) text += std::string_view(c.value()).size();
  const size_t max = path_ends_with(e, limits.long_field) ? limits.max_long_field_bytes : limits.max_field_bytes;
  if (text > max)
    throw InvalidDocument(cat("text of ", element_path(e), " is longer than ", byte_size(max), " (",
                              std::to_string(text), " bytes)"));
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling())
    if (is_text(c) && !is_valid_utf8(c.value()))
      throw InvalidDocument(cat("invalid UTF-8 in the text of ", element_path(e)));
}

}  // namespace detail

// Every attribute value and element text under `root` within the limits and valid UTF-8, so
// that whatever the adapter reads later is bounded. Iterative: deep nesting cannot exhaust the
// stack. Does nothing when limits.max_field_bytes is 0.
inline void check_fields(const pugi::xml_node& root, const XmlLimits& limits) {
  if (limits.max_field_bytes == 0) return;
  for (pugi::xml_node n = root; n;) {
    if (n.type() == pugi::node_element) detail::check_element_fields(n, limits);
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && n != root && !n.next_sibling()) n = n.parent();
    if (!n || n == root) break;
    n = n.next_sibling();
  }
}

// An untrusted XML document taken in whole: check_document_bytes; parsed by pugixml (which does
// not expand DOCTYPE entities); exactly one root element, one of `types` whatever prefix it
// uses; check_fields; and the whole document valid UTF-8 (names, comments).
class XmlDocument {
 public:
  XmlDocument(std::string_view bytes, const XmlLimits& limits, std::initializer_list<XmlRoot> types) {
    check_document_bytes(bytes, limits.max_document_bytes);
    const pugi::xml_parse_result parsed =
        xml_.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_utf8);
    if (parsed.status == pugi::status_no_document_element) throw InvalidDocument("document holds no XML element");
    if (!parsed)
      throw InvalidDocument(cat("malformed XML at byte ", std::to_string(parsed.offset), ": ", parsed.description()));
    for (pugi::xml_node c = xml_.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      // pugixml accepts a second root element; XML does not.
      if (root_) throw InvalidDocument("malformed XML: more than one root element");
      root_ = c;
    }
    type_ = root_type(types);
    check_fields(root_, limits);
    // Last, so that a bad field is reported where it is; what remains is in names or comments.
    if (!is_valid_utf8(bytes))
      throw InvalidDocument("document is not valid UTF-8 (convert a legacy TCVN3/VNI export to UTF-8 first)");
  }
  XmlDocument(const XmlDocument&) = delete;
  XmlDocument& operator=(const XmlDocument&) = delete;

  pugi::xml_node root() const { return root_; }
  // Which of the types given the document is.
  const XmlRoot& type() const { return type_; }
  // A reader of the document's namespace.
  XmlReader reader() const { return XmlReader(type_.ns); }

 private:
  XmlRoot root_type(std::initializer_list<XmlRoot> types) const {
    const std::string_view name = local_name(root_), ns = namespace_of(root_);
    for (const XmlRoot& t : types)
      if (t.name == name && t.ns == ns) return t;
    std::string roots, namespaces;  // what was expected, for the message
    for (const XmlRoot& t : types) {
      roots += cat(roots.empty() ? "<" : " or <", t.name, "> in ", t.ns);
      if (t.name == name) namespaces += cat(namespaces.empty() ? "'" : " or '", t.ns, "'");
    }
    if (namespaces.empty()) throw InvalidDocument(cat("root element is <", quoted(name), ">, expected ", roots));
    throw InvalidDocument(cat("root element <", name, "> is in namespace '", quoted(ns, 128), "', expected ", namespaces));
  }

  pugi::xml_document xml_;
  pugi::xml_node root_;
  XmlRoot type_;
};

}  // namespace ecid::sdk

#endif  // ECID_SDK_DOCUMENT_HPP
