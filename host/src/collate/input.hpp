// Reading a batch file as a stream of records, chunk by chunk, in bounded memory.
//
// CSV: the first non-blank line is the header; every other non-blank line is one record (a
// newline inside quotes is not supported: each line stands alone, so one broken line never
// swallows the next). XML: the element children of the root are the records.
// Every record is turned into UTF-8 here (per record: UTF-8 as it is, else TCVN3 or VNI detected
// and decoded, or as --encoding says), so that adapters only ever see UTF-8. A record the host
// cannot read (too long, undecodable bytes, broken XML element) keeps its slot, with the reason.
#pragma once

#include <ecid/collate.hpp>

#include "collate/prefetch.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::collate {

// Where reading stands: what a checkpoint needs to continue from a chunk boundary.
struct ReaderPosition {
  uint64_t offset = 0;  // next byte of the file to read (0: not started)
  uint64_t line = 1;    // line number at `offset`
  uint64_t record = 0;  // records read before `offset`
  uint64_t blank_lines = 0;
};

enum class RecordEncoding : uint8_t { Utf8, Tcvn3, Vni };

struct RecordSlot {
  uint64_t record = 0;  // 1-based record number in the file
  uint64_t line = 0;    // 1-based line where it starts
  uint64_t offset = 0;  // byte offset where it starts
  RecordEncoding encoding = RecordEncoding::Utf8;
  std::string problem;  // set: the host could not read it; it is not in the document
};

// A run of records and the document the adapter gets for them: the frame (CSV header / XML
// root start tag), the readable records, and the end of the frame.
struct RawChunk {
  uint64_t index = 0;
  ReaderPosition begin, end;
  std::vector<RecordSlot> slots;
  std::string records_text;                         // readable records, UTF-8, each ending in '\n'
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // per readable record: (offset, length) in records_text
  std::vector<uint32_t> span_slot;                   // per readable record: its slot
  std::vector<PrefetchedAnswer> prefetched;          // by query number (main pass)
  std::vector<uint64_t> prefetch_offsets;            // prefetch runs' positions after this chunk
  void clear() {
    prefetched.clear();
    prefetch_offsets.clear();
    slots.clear();
    records_text.clear();
    spans.clear();
    span_slot.clear();
  }
};

class BatchReader {
 public:
  // Opens the file and reads its frame. Throws CollationError when the file cannot be opened or
  // has no header / root element.
  BatchReader(const std::filesystem::path& file, BatchFormat format, BatchEncoding encoding);
  ~BatchReader();
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  BatchFormat format() const { return format_; }
  uint64_t size() const { return size_; }
  // Moves to a position a checkpoint recorded (or the first record when it is the default).
  void seek(const ReaderPosition& position);
  const ReaderPosition& position() const { return position_; }

  // Reads up to `max_records` records. False when no record is left.
  bool next(size_t max_records, RawChunk& out);

  // The document for the adapter: frame + the given readable records (indices into spans).
  std::string document(const RawChunk& chunk) const;
  std::string document(const RawChunk& chunk, const std::vector<uint32_t>& records) const;
  // The frame alone: a document with no record (the adapter must accept it).
  std::string empty_document() const;

  // Problems that do not belong to a record (e.g. the XML root is never closed).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // XML: the root element's local name and namespace URI (for routing to an adapter).
  const std::string& root_local_name() const { return root_local_; }
  const std::string& root_namespace() const { return root_namespace_; }

  // Guesses the format from the first bytes of a file.
  static BatchFormat sniff(const std::filesystem::path& file);

 private:
  bool fill(size_t want);  // makes at least `want` bytes available from pos_ if the file has them
  void add_record(RawChunk& out, std::string_view text, uint64_t line, uint64_t offset, std::string problem);
  bool next_csv(size_t max_records, RawChunk& out);
  bool next_xml(size_t max_records, RawChunk& out);
  void skip_nested_record(const std::string& name);
  void read_frame();
  void count_lines_to(size_t pos);

  int fd_ = -1;
  std::filesystem::path path_;
  BatchFormat format_;
  BatchEncoding encoding_;
  uint64_t size_ = 0;
  std::string buf_;       // file bytes [buf_offset_, buf_offset_ + buf_.size())
  uint64_t buf_offset_ = 0;
  size_t pos_ = 0;        // read position in buf_
  size_t counted_ = 0;    // newlines counted up to here in buf_
  bool eof_ = false;
  ReaderPosition position_;
  ReaderPosition first_position_;  // at the first record
  bool first_xml_done_ = false;
  std::string last_record_name_;   // qualified name of the last XML record element seen
  uint64_t first_record_offset_ = 0;
  std::string frame_start_, frame_end_;
  std::string root_qname_;
  std::string root_local_, root_namespace_;
  bool xml_done_ = false;  // the root's end tag was read
  std::vector<std::string> warnings_;
  std::string scratch_;
};

}  // namespace ecid::collate
