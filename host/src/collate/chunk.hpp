// One chunk of a batch through its adapter: the chunk's document → plan (round by round) →
// policy gate → batch answers and register look-ups (one sorted batch per round) → claim checks
// → assess → one results row per record, in input order.
#pragma once

#include <ecid/audit.hpp>
#include <ecid/config.hpp>
#include <ecid/loader.hpp>
#include <ecid/register.hpp>

#include "collate/batch_index.hpp"
#include "collate/input.hpp"
#include "collate/prefetch.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ecid::eid {
class IdentityService;
}

namespace ecid::collate {

// What a chunk adds to the run's summary.
struct SummaryCounts {
  uint64_t records = 0;
  uint64_t attention = 0;
  std::map<std::string, uint64_t> by_class, by_finding, by_encoding;
  void add(const SummaryCounts& other);
};

struct ChunkResult {
  uint64_t index = 0;
  ReaderPosition end;
  std::string rows;  // CSV rows, one per record, input order
  SummaryCounts counts;
  AuditRows audit;  // encoded by the worker, appended in input order
  std::vector<std::string> warnings;  // no personal data
  std::vector<uint64_t> prefetch_offsets;  // where the prefetched answers continue after this chunk
  uint64_t prefetch_hits = 0, live_lookups = 0;
};

// What the first pass learns from one chunk.
struct IndexOutput {
  std::vector<BatchPair> pairs;      // ECID_Q_BATCH_DUPLICATES: (key, value)
  std::vector<PrefetchKey> keys;     // person.by_id queries to prefetch
  std::vector<PrefetchRequest> requests;  // legacy look-ups and candidate searches to prefetch
  std::string purpose;               // theirs
  FieldSet fields;                   // what their answers need
};

struct ChunkContext {
  const Config* config = nullptr;
  const LoadedAdapter* adapter = nullptr;
  RegisterBackend* population = nullptr;
  const DuplicateIndex* duplicates = nullptr;  // the main pass; null while indexing
  const BatchReader* reader = nullptr;         // frames the chunk's document
  std::string job;
  const AuditLog* audit = nullptr;  // the main pass's audit trail, if any
  const eid::IdentityService* identity = nullptr;  // identity assertions; null: no issuer
  // Prefetched answers apply to queries of this purpose needing at most these fields.
  std::string prefetch_purpose;
  FieldSet prefetch_fields;
};

// The results file's first line.
extern const char* const kResultsHeader;

class ChunkRunner {
 public:
  explicit ChunkRunner(const ChunkContext& context) : ctx_(context) {}

  // First pass: the (key, value) pairs of the chunk's ECID_Q_BATCH_DUPLICATES queries. Records
  // the adapter cannot open are skipped (the main pass reports them).
  void index(const RawChunk& chunk, IndexOutput& out);

  // Main pass.
  ChunkResult run(const RawChunk& chunk);

  // Checks the adapter accepts the batch's frame (header / root) with no record: a refusal is
  // a problem of the whole input. Returns the adapter's reason, empty when accepted.
  std::string probe_frame();

 private:
  const ChunkContext& ctx_;
};

}  // namespace ecid::collate
