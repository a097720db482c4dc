#include "collate/input.hpp"

#include "adapter/validation.hpp"

#include <ecid/safe_files.hpp>
#include <ecid/text.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ecid::collate {
namespace {

constexpr size_t kBlock = 4u << 20;
constexpr size_t kMaxRecordBytes = 64u << 10;
// Bytes kept ahead of an XML record's start, so that a record of the maximum size is always
// entirely in the buffer while it is scanned.
constexpr size_t kLookahead = 2 * kMaxRecordBytes;
// Deeper than any sector record: a document nested deeper is broken or hostile.
constexpr size_t kMaxNesting = 256;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_space(c); });
}

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool name_char(char c) { return !is_space(c) && c != '>' && c != '/' && c != '=' && c != '<'; }

std::string errno_text() { return std::strerror(errno); }

// A batch streams in bounded memory whatever its size, but from a regular file only: a FIFO or
// a device has no size to check against, and opening a FIFO would wait for a writer.
int open_input(const std::filesystem::path& file, uint64_t& size) {
  try {
    return open_regular_input(file, UINT64_MAX, size);
  } catch (const UnsafeFileError& e) {
    throw CollationError(e.what());
  }
}

}  // namespace

BatchReader::BatchReader(const std::filesystem::path& file, BatchFormat format, BatchEncoding encoding)
    : path_(file), format_(format == BatchFormat::Auto ? sniff(file) : format), encoding_(encoding) {
  fd_ = open_input(file, size_);
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  try {
    read_frame();
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

BatchReader::~BatchReader() {
  if (fd_ >= 0) ::close(fd_);
}

BatchFormat BatchReader::sniff(const std::filesystem::path& file) {
  uint64_t size = 0;
  const int fd = open_input(file, size);
  char head[4096];
  ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  std::string_view s(head, n > 0 ? static_cast<size_t>(n) : 0);
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return !s.empty() && s.front() == '<' ? BatchFormat::Xml : BatchFormat::Csv;
}

bool BatchReader::fill(size_t want) {
  if (buf_.size() - pos_ >= want) return true;
  if (eof_) return buf_.size() > pos_;
  // Drop what was consumed; keep the unread tail.
  count_lines_to(pos_);
  buf_.erase(0, pos_);
  buf_offset_ += pos_;
  counted_ -= pos_;
  pos_ = 0;
  while (buf_.size() < want && !eof_) {
    const size_t old = buf_.size();
    buf_.resize(old + std::max(kBlock, want - old));
    ssize_t n;
    do {
      n = ::read(fd_, buf_.data() + old, buf_.size() - old);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      buf_.resize(old);
      throw std::runtime_error("reading '" + path_.string() + "': " + errno_text());
    }
    buf_.resize(old + static_cast<size_t>(n));
    if (n == 0) eof_ = true;
  }
  return buf_.size() > pos_;
}

void BatchReader::count_lines_to(size_t pos) {
  if (pos <= counted_) return;
  position_.line += static_cast<uint64_t>(std::count(buf_.begin() + static_cast<std::ptrdiff_t>(counted_),
                                                     buf_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  counted_ = pos;
}

void BatchReader::seek(const ReaderPosition& position) {
  const bool start = position.offset == 0;
  const uint64_t offset = start ? first_record_offset_ : position.offset;
  if (offset > size_) throw CollationError("checkpoint position is beyond the end of '" + path_.string() + "'");
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
    throw std::runtime_error("seeking in '" + path_.string() + "': " + errno_text());
  buf_.clear();
  buf_offset_ = offset;
  pos_ = counted_ = 0;
  eof_ = false;
  warnings_.clear();
  position_ = start ? first_position_ : position;
  xml_done_ = start ? first_xml_done_ : false;
  position_.offset = offset;
}

void BatchReader::read_frame() {
  buf_.clear();
  pos_ = counted_ = 0;
  buf_offset_ = 0;
  eof_ = false;
  position_ = ReaderPosition{};
  fill(kLookahead);
  if (buf_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = counted_ = 3;
  if (format_ == BatchFormat::Csv) {
    while (true) {
      if (!fill(1)) throw CollationError("'" + path_.string() + "' has no CSV header line");
      size_t nl = buf_.find('\n', pos_);
      while (nl == std::string::npos && !eof_ && buf_.size() - pos_ <= kMaxRecordBytes) {
        fill(buf_.size() - pos_ + kBlock);
        nl = buf_.find('\n', pos_);
      }
      if (nl == std::string::npos) {
        if (!eof_) throw CollationError("'" + path_.string() + "': the CSV header line is longer than 64 KiB");
        nl = buf_.size();
      }
      std::string_view line(buf_.data() + pos_, nl - pos_);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      count_lines_to(pos_);
      pos_ = std::min(nl + 1, buf_.size());
      if (blank(line)) continue;
      std::string header(line);
      if (!text::is_valid_utf8(header)) {
        if (encoding_ == BatchEncoding::Tcvn3) header = text::decode(header, text::Encoding::Tcvn3);
        else if (encoding_ == BatchEncoding::Vni) header = text::decode(header, text::Encoding::Vni);
        else throw CollationError("'" + path_.string() + "': the CSV header is not valid UTF-8");
      }
      frame_start_ = header + "\n";
      break;
    }
    count_lines_to(pos_);
    first_record_offset_ = buf_offset_ + pos_;
    position_.offset = first_record_offset_;
    first_position_ = position_;
    return;
  }
  // XML: prolog (declaration, comments, DOCTYPE), then the root start tag.
  while (true) {
    if (!fill(kLookahead)) throw CollationError("'" + path_.string() + "' holds no XML element");
    const size_t lt = buf_.find('<', pos_);
    if (lt == std::string::npos) {
      pos_ = buf_.size();
      continue;
    }
    pos_ = lt;
    auto skip_to = [&](std::string_view end, const char* what) {
      const size_t e = buf_.find(end, pos_);
      if (e == std::string::npos) throw CollationError("'" + path_.string() + "': unterminated " + what + " before the root element");
      pos_ = e + end.size();
    };
    std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    if (rest.substr(0, 4) == "<!--") {
      skip_to("-->", "comment");
    } else if (rest.substr(0, 2) == "<?") {
      skip_to("?>", "processing instruction");
    } else if (rest.substr(0, 2) == "<!") {
      // A DOCTYPE (or any other declaration): refused like the engine's documents.
      throw CollationError("'" + path_.string() + "': " + std::string(kDoctypeRefused));
    } else {
      size_t i = 1;
      while (i < rest.size() && name_char(rest[i])) ++i;
      root_qname_ = std::string(rest.substr(1, i - 1));
      if (root_qname_.empty()) throw CollationError("'" + path_.string() + "': malformed root element");
      char quote = 0;
      for (; i < rest.size(); ++i) {
        if (quote) {
          if (rest[i] == quote) quote = 0;
        } else if (rest[i] == '"' || rest[i] == '\'') {
          quote = rest[i];
        } else if (rest[i] == '>') {
          break;
        }
      }
      if (i >= rest.size() && !eof_)
        throw CollationError("'" + path_.string() + "': the root start tag is longer than " +
                             std::to_string(kLookahead >> 10) + " KiB (no batch's root has attributes that large)");
      if (i >= rest.size()) throw CollationError("'" + path_.string() + "': the root start tag is not closed");
      std::string tag(rest.substr(0, i + 1));
      if (!text::is_valid_utf8(tag)) throw CollationError("'" + path_.string() + "': the root start tag is not valid UTF-8");
      if (tag.size() >= 2 && tag[tag.size() - 2] == '/') {
        xml_done_ = true;  // <Root/>: no record
        tag.erase(tag.size() - 2, 1);
      }
      // Routing needs the local name and the namespace its prefix (or the default) is bound to.
      const size_t colon = root_qname_.find(':');
      const std::string prefix = colon == std::string::npos ? "" : root_qname_.substr(0, colon);
      root_local_ = colon == std::string::npos ? root_qname_ : root_qname_.substr(colon + 1);
      const std::string attr = prefix.empty() ? "xmlns" : "xmlns:" + prefix;
      for (size_t a = tag.find(attr); a != std::string::npos; a = tag.find(attr, a + 1)) {
        size_t k = a + attr.size();
        if (!is_space(tag[a - 1])) continue;
        while (k < tag.size() && is_space(tag[k])) ++k;
        if (k >= tag.size() || tag[k] != '=') continue;
        ++k;
        while (k < tag.size() && is_space(tag[k])) ++k;
        if (k >= tag.size() || (tag[k] != '"' && tag[k] != '\'')) continue;
        const size_t close = tag.find(tag[k], k + 1);
        if (close == std::string::npos) continue;
        root_namespace_ = tag.substr(k + 1, close - k - 1);
        break;
      }
      frame_start_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + tag + "\n";
      frame_end_ = "</" + root_qname_ + ">\n";
      pos_ += i + 1;
      break;
    }
  }
  count_lines_to(pos_);
  first_record_offset_ = buf_offset_ + pos_;
  position_.offset = first_record_offset_;
  first_position_ = position_;
  first_xml_done_ = xml_done_;
}

// Past a record nested deeper than any record may be: to where its elements named `name` are all
// closed again, or to the root's end tag (left for the caller), reading on as far as that is.
void BatchReader::skip_nested_record(const std::string& name) {
  const std::string open_tag = "<" + name, close_tag = "</" + name, root_end = "</" + root_qname_;
  uint64_t depth = 0;
  for (;;) {
    fill(kLookahead);
    const size_t lt = buf_.find('<', pos_);
    if (lt == std::string::npos) {
      pos_ = buf_.size();
      if (eof_) {
        warnings_.push_back("the file ends inside a broken element");
        xml_done_ = true;
        return;
      }
      continue;
    }
    pos_ = lt;
    fill(kLookahead);
    const std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    const auto is = [&](const std::string& t) { return rest.size() > t.size() && rest.starts_with(t) && !name_char(rest[t.size()]); };
    const size_t gt = rest.find('>');
    const size_t after = gt == std::string_view::npos ? 1 : gt + 1;
    if (is(root_end)) return;
    if (is(close_tag)) {
      pos_ += after;
      if (depth <= 1) return;
      --depth;
    } else if (is(open_tag)) {
      if (gt == std::string_view::npos || gt == 0 || rest[gt - 1] != '/') ++depth;
      pos_ += after;
    } else {
      pos_ += 1;
    }
  }
}

void BatchReader::add_record(RawChunk& out, std::string_view text, uint64_t line, uint64_t offset, std::string problem) {
  RecordSlot slot;
  slot.record = ++position_.record;
  slot.line = line;
  slot.offset = offset;
  std::string_view utf8 = text;
  if (problem.empty()) {
    // Adapters see UTF-8 only: decode legacy bytes here, per record, and say so in the results.
    const bool valid = text::is_valid_utf8(text);
    text::Encoding from = text::Encoding::Utf8;
    switch (encoding_) {
      case BatchEncoding::Utf8:
        if (!valid) problem = "the record is not valid UTF-8 (see --encoding)";
        break;
      case BatchEncoding::Tcvn3:
        if (!ascii(text)) from = text::Encoding::Tcvn3;
        break;
      case BatchEncoding::Vni:
        if (!ascii(text)) from = text::Encoding::Vni;
        break;
      case BatchEncoding::Auto:
        if (!valid) {
          from = text::detect_encoding(text);
          if (from != text::Encoding::Tcvn3 && from != text::Encoding::Vni) {
            from = text::Encoding::Utf8;
            problem = "the record's bytes are neither UTF-8, TCVN3 nor VNI";
          }
        }
        break;
    }
    if (problem.empty() && from != text::Encoding::Utf8) {
      scratch_ = text::decode(text, from);
      utf8 = scratch_;
      slot.encoding = from == text::Encoding::Tcvn3 ? RecordEncoding::Tcvn3 : RecordEncoding::Vni;
    }
  }
  slot.problem = std::move(problem);
  if (slot.problem.empty()) {
    out.spans.emplace_back(static_cast<uint32_t>(out.records_text.size()), static_cast<uint32_t>(utf8.size()));
    out.span_slot.push_back(static_cast<uint32_t>(out.slots.size()));
    out.records_text.append(utf8);
    out.records_text += '\n';
  }
  out.slots.push_back(std::move(slot));
}

bool BatchReader::next(size_t max_records, RawChunk& out) {
  out.clear();
  out.begin = position_;
  out.begin.offset = buf_offset_ + pos_;
  const bool any = format_ == BatchFormat::Csv ? next_csv(max_records, out) : next_xml(max_records, out);
  count_lines_to(pos_);
  position_.offset = buf_offset_ + pos_;
  out.end = position_;
  return any;
}

bool BatchReader::next_csv(size_t max_records, RawChunk& out) {
  while (out.slots.size() < max_records) {
    if (!fill(1)) break;
    size_t nl = buf_.find('\n', pos_);
    while (nl == std::string::npos && !eof_ && buf_.size() - pos_ <= kMaxRecordBytes) {
      fill(buf_.size() - pos_ + kBlock);
      nl = buf_.find('\n', pos_);
    }
    count_lines_to(pos_);
    const uint64_t line = position_.line;
    const uint64_t offset = buf_offset_ + pos_;
    if (nl == std::string::npos && !eof_) {
      // A line longer than any record can be: report it and skip to its end without keeping it.
      while (true) {
        pos_ = buf_.size();
        counted_ = pos_;  // no newline in what is skipped
        if (!fill(1)) break;
        nl = buf_.find('\n', pos_);
        if (nl != std::string::npos) break;
      }
      if (nl != std::string::npos) pos_ = nl;  // the newline itself is counted by the next line
      add_record(out, {}, line, offset, "line longer than 64 KiB");
      if (pos_ < buf_.size()) ++pos_;
      continue;
    }
    if (nl == std::string::npos) nl = buf_.size();
    std::string_view text(buf_.data() + pos_, nl - pos_);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    pos_ = std::min(nl + 1, buf_.size());
    if (blank(text)) {
      ++position_.blank_lines;
      continue;
    }
    if (text.size() > kMaxRecordBytes) {
      add_record(out, {}, line, offset, "line longer than 64 KiB");
      continue;
    }
    add_record(out, text, line, offset, {});
  }
  return !out.slots.empty();
}

bool BatchReader::next_xml(size_t max_records, RawChunk& out) {
  while (out.slots.size() < max_records && !xml_done_) {
    fill(kLookahead);
    size_t lt = buf_.find('<', pos_);
    while (lt == std::string::npos) {
      pos_ = buf_.size();
      if (!fill(kLookahead)) {
        warnings_.push_back("the file ends before the root element <" + root_qname_ + "> is closed");
        xml_done_ = true;
        return !out.slots.empty();
      }
      lt = buf_.find('<', pos_);
    }
    pos_ = lt;
    fill(kLookahead);
    std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    auto skip_to = [&](std::string_view end) {
      const size_t e = rest.find(end);
      if (e == std::string_view::npos) {
        warnings_.push_back("unterminated comment or processing instruction between records");
        pos_ = buf_.size();
        xml_done_ = true;
        return;
      }
      pos_ += e + end.size();
    };
    if (rest.substr(0, 4) == "<!--") { skip_to("-->"); continue; }
    if (rest.substr(0, 9) == "<![CDATA[") { skip_to("]]>"); continue; }
    if (rest.substr(0, 2) == "<?") { skip_to("?>"); continue; }
    if (rest.substr(0, 2) == "</") {
      xml_done_ = true;  // the root's end tag: nothing after it is read
      const size_t gt = rest.find('>');
      pos_ += gt == std::string_view::npos ? rest.size() : gt + 1;
      break;
    }
    // A record element: scan it, checking that every end tag closes the element it should.
    count_lines_to(pos_);
    const uint64_t line = position_.line;
    const uint64_t offset = buf_offset_ + pos_;
    std::vector<std::string_view> open;
    std::string_view record_name;
    std::string problem;
    size_t i = 0, end = 0;
    size_t nested_at = 0;  // where a start tag of the record's own name opened inside it; 0: none
    bool too_deep = false;
    while (problem.empty() && end == 0) {
      if (i > kMaxRecordBytes) {
        problem = "element longer than 64 KiB";
        break;
      }
      const size_t next = rest.find('<', i);
      if (next == std::string_view::npos || next > kMaxRecordBytes + 1) {
        problem = eof_ && next == std::string_view::npos ? "the file ends inside the element" : "element longer than 64 KiB";
        break;
      }
      std::string_view tag = rest.substr(next);
      auto terminated = [&](std::string_view terminator) -> size_t {
        const size_t e = tag.find(terminator);
        return e == std::string_view::npos ? 0 : next + e + terminator.size();
      };
      if (tag.substr(0, 4) == "<!--" || tag.substr(0, 9) == "<![CDATA[" || tag.substr(0, 2) == "<?") {
        const size_t after = terminated(tag[1] == '?' ? "?>" : tag[1] == '!' && tag[2] == '-' ? "-->" : "]]>");
        if (after == 0) problem = "unterminated comment, CDATA section or processing instruction";
        i = after;
        continue;
      }
      if (tag.substr(0, 2) == "<!") {
        problem = "markup declaration inside a record";
        break;
      }
      const bool closing = tag.size() > 1 && tag[1] == '/';
      size_t k = closing ? 2 : 1;
      while (k < tag.size() && name_char(tag[k])) ++k;
      const std::string_view name = tag.substr(closing ? 2 : 1, k - (closing ? 2 : 1));
      char quote = 0;
      for (; k < tag.size(); ++k) {
        if (quote) {
          if (tag[k] == quote) quote = 0;
        } else if (tag[k] == '"' || tag[k] == '\'') {
          quote = tag[k];
        } else if (tag[k] == '>' || tag[k] == '<') {
          break;
        }
      }
      if (k >= tag.size() && eof_) {
        problem = "the file ends inside the element";
        break;
      }
      if (name.empty() || k >= tag.size() || tag[k] != '>') {
        problem = "malformed tag";
        break;
      }
      const size_t after = next + k + 1;
      if (closing) {
        if (open.empty() || open.back() != name) {
          problem = open.empty() ? "unexpected end tag" : "end tag </" + std::string(name.substr(0, 64)) +
                                                              "> does not close <" + std::string(open.back().substr(0, 64)) + ">";
          break;
        }
        open.pop_back();
        if (open.empty()) end = after;
      } else {
        if (open.empty()) {
          record_name = name;
        } else if (name == record_name && nested_at == 0) {
          nested_at = next;  // a record inside a record, or the record was never closed: decided below
        }
        if (open.size() >= kMaxNesting) {
          problem = "elements nested deeper than " + std::to_string(kMaxNesting) + " levels";
          too_deep = true;
          break;
        }
        if (tag[k - 1] != '/') open.push_back(name);
        else if (open.empty()) end = after;  // <Participant/>
      }
      i = after;
    }
    if (!record_name.empty()) last_record_name_ = std::string(record_name);
    if (problem.empty() && nested_at == 0) {
      add_record(out, rest.substr(0, end), line, offset, {});
      pos_ += end;
      continue;
    }
    const std::string quoted_name = "<" + std::string(record_name.substr(0, 64)) + ">";
    if (problem.empty()) {  // closed, with a record nested inside: one broken record
      add_record(out, {}, line, offset, "broken XML element: a " + quoted_name + " record inside another");
      pos_ += end;
      continue;
    }
    if (too_deep) {  // one broken record, however deep it goes: skip to where it closes
      add_record(out, {}, line, offset, "broken XML element: " + problem);
      skip_nested_record(std::string(record_name));
      continue;
    }
    if (nested_at != 0) {
      // It never closed: a record without its end tag, and the next record starts inside it.
      add_record(out, {}, line, offset, "broken XML element: element " + quoted_name + " is not closed");
      pos_ += nested_at;
      continue;
    }
    // Skip to where the next record can start: the next <record_name, or the root's end tag.
    // Without a name (a malformed first tag), the name of the records before it.
    const std::string record_tag = "<" + (last_record_name_.empty() ? std::string("\x01") : last_record_name_);
    const std::string root_end = "</" + root_qname_;
    add_record(out, {}, line, offset, "broken XML element: " + problem);
    size_t from = pos_ + 1;
    while (true) {
      size_t a = buf_.find(record_tag, from);
      while (a != std::string::npos && a + record_tag.size() < buf_.size() && name_char(buf_[a + record_tag.size()]))
        a = buf_.find(record_tag, a + 1);
      const size_t b = buf_.find(root_end, from);
      const size_t hit = std::min(a, b);
      if (hit != std::string::npos) {
        pos_ = hit;
        break;
      }
      // Not in the buffer: drop what was searched (keeping a possible partial match) and read on.
      const size_t keep = std::max(record_tag.size(), root_end.size());
      pos_ = buf_.size() > keep ? buf_.size() - keep : pos_;
      const size_t before = buf_.size() - pos_;
      if (!fill(before + kBlock) || buf_.size() - pos_ <= before) {
        pos_ = buf_.size();
        warnings_.push_back("the file ends inside a broken element");
        xml_done_ = true;
        break;
      }
      from = pos_;
    }
  }
  return !out.slots.empty();
}

std::string BatchReader::document(const RawChunk& chunk) const {
  std::string doc;
  doc.reserve(frame_start_.size() + chunk.records_text.size() + frame_end_.size());
  doc += frame_start_;
  doc += chunk.records_text;
  doc += frame_end_;
  return doc;
}

std::string BatchReader::document(const RawChunk& chunk, const std::vector<uint32_t>& records) const {
  std::string doc = frame_start_;
  for (uint32_t r : records) {
    doc.append(chunk.records_text, chunk.spans[r].first, chunk.spans[r].second);
    doc += '\n';
  }
  doc += frame_end_;
  return doc;
}

std::string BatchReader::empty_document() const { return frame_start_ + frame_end_; }

}  // namespace ecid::collate
