// The collation's parts on their own: the streaming reader (positions, encodings, broken XML,
// continuing from a checkpoint position), the batch duplicate index, the prefetch runs, the
// register's sorted batch path, and the province-code comparison of the matcher.
#include "collate_test_support.hpp"

#include "collate/batch_index.hpp"
#include "collate/input.hpp"
#include "adapter/policy_gate.hpp"
#include "collate/prefetch.hpp"

#include <ecid/matching.hpp>
#include <ecid/seed.hpp>
#include <ecid/text.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "../support/temp_dir.hpp"

namespace {

using namespace collate_test;
using ecid::collate::BatchReader;
using ecid::collate::RawChunk;

std::vector<RawChunk> read_all(BatchReader& r, size_t chunk) {
  std::vector<RawChunk> out;
  RawChunk c;
  while (r.next(chunk, c)) out.push_back(c);
  return out;
}

std::string record_text(const RawChunk& c, size_t span) { return c.records_text.substr(c.spans[span].first, c.spans[span].second); }

TEST(Reader, CsvPositionsBomCrlfAndBlankLines) {
  ecid::testing::TempDir dir;
  const std::string file = "\xEF\xBB\xBF\r\nsi_code,full_name\r\n0100000001,An\r\n\r\n0100000002,B\xC3\xACnh\r\n0100000003,C";
  write_file(dir / "a.csv", file);
  BatchReader r(dir / "a.csv", ecid::BatchFormat::Auto, ecid::BatchEncoding::Auto);
  EXPECT_EQ(r.format(), ecid::BatchFormat::Csv);
  r.seek({});
  const auto chunks = read_all(r, 2);
  ASSERT_EQ(chunks.size(), 2u);
  ASSERT_EQ(chunks[0].slots.size(), 2u);
  EXPECT_EQ(chunks[0].slots[0].record, 1u);
  EXPECT_EQ(chunks[0].slots[0].line, 3u);
  EXPECT_EQ(chunks[0].slots[0].offset, file.find("0100000001"));
  EXPECT_EQ(record_text(chunks[0], 0), "0100000001,An") << "\\r is not part of the record";
  EXPECT_EQ(chunks[0].slots[1].line, 5u) << "the blank line 4 is skipped, not numbered away";
  EXPECT_EQ(chunks[1].slots[0].record, 3u);
  EXPECT_EQ(chunks[1].slots[0].line, 6u);
  EXPECT_EQ(record_text(chunks[1], 0), "0100000003,C") << "a last line without a newline";
  EXPECT_EQ(chunks[1].end.blank_lines, 1u);
  EXPECT_EQ(r.document(chunks[0]), "si_code,full_name\n0100000001,An\n0100000002,B\xC3\xACnh\n");
}

TEST(Reader, ContinuingFromAPositionNumbersRecordsTheSame) {
  ecid::testing::TempDir dir;
  std::string csv = "si_code,full_name\n";
  for (int i = 0; i < 50; ++i) csv += std::to_string(1000000000 + i) + ",N" + std::to_string(i) + (i % 7 ? "\n" : "\n\n");
  write_file(dir / "a.csv", csv);
  BatchReader all(dir / "a.csv", ecid::BatchFormat::Csv, ecid::BatchEncoding::Auto);
  all.seek({});
  const auto whole = read_all(all, 6);
  for (size_t cut = 1; cut < whole.size(); ++cut) {
    BatchReader again(dir / "a.csv", ecid::BatchFormat::Csv, ecid::BatchEncoding::Auto);
    again.seek(whole[cut - 1].end);
    const auto rest = read_all(again, 6);
    ASSERT_EQ(rest.size(), whole.size() - cut);
    for (size_t i = 0; i < rest.size(); ++i) {
      ASSERT_EQ(rest[i].slots.size(), whole[cut + i].slots.size());
      for (size_t k = 0; k < rest[i].slots.size(); ++k) {
        EXPECT_EQ(rest[i].slots[k].record, whole[cut + i].slots[k].record);
        EXPECT_EQ(rest[i].slots[k].line, whole[cut + i].slots[k].line);
        EXPECT_EQ(rest[i].slots[k].offset, whole[cut + i].slots[k].offset);
      }
      EXPECT_EQ(rest[i].records_text, whole[cut + i].records_text);
    }
  }
}

TEST(Reader, LegacyBytesAreDecodedPerRecordAndUndecodableOnesReported) {
  ecid::testing::TempDir dir;
  const std::string name = "Nguy\xE1\xBB\x85n V\xC4\x83n \xC4\x90\xE1\xBB\xA9" "c";
  write_file(dir / "a.csv", "si_code,full_name\n1," + ecid::text::encode_tcvn3(name) + "\n2," + ecid::text::encode_vni(name) +
                                "\n3," + name + "\n");
  BatchReader r(dir / "a.csv", ecid::BatchFormat::Csv, ecid::BatchEncoding::Auto);
  r.seek({});
  auto chunks = read_all(r, 10);
  ASSERT_EQ(chunks.size(), 1u);
  const RawChunk& c = chunks[0];
  ASSERT_EQ(c.spans.size(), 3u);
  EXPECT_EQ(c.slots[0].encoding, ecid::collate::RecordEncoding::Tcvn3);
  EXPECT_EQ(c.slots[1].encoding, ecid::collate::RecordEncoding::Vni);
  EXPECT_EQ(c.slots[2].encoding, ecid::collate::RecordEncoding::Utf8);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(record_text(c, i), std::to_string(i + 1) + "," + name);

  BatchReader strict(dir / "a.csv", ecid::BatchFormat::Csv, ecid::BatchEncoding::Utf8);
  strict.seek({});
  chunks = read_all(strict, 10);
  EXPECT_FALSE(chunks[0].slots[0].problem.empty());
  EXPECT_EQ(chunks[0].spans.size(), 1u) << "an unreadable record is not given to the adapter";
}

TEST(Reader, XmlRecordsBrokenElementsAndRouting) {
  ecid::testing::TempDir dir;
  const std::string xml =
      "<?xml version='1.0'?>\n<!-- header -->\n<!-- a second line of prolog -->\n"
      "<p:B xmlns:p='urn:test:b' id=\"a>b\">\n"
      "  <p:R n='1'><p:F>x</p:F><!-- <p:R> in a comment --><![CDATA[ </p:F> ]]></p:R>\n"
      "  text between records is ignored\n"
      "  <p:R n='2'/>\n"
      "  <p:R n='3'><p:F>y</p:G></p:R>\n"
      "  <p:R n='4'><p:F>z</p:F>\n"
      "  <p:R n='5'><p:F>w</p:F></p:R>\n"
      "</p:B>\n";
  write_file(dir / "b.xml", xml);
  BatchReader r(dir / "b.xml", ecid::BatchFormat::Auto, ecid::BatchEncoding::Auto);
  EXPECT_EQ(r.format(), ecid::BatchFormat::Xml);
  EXPECT_EQ(r.root_local_name(), "B");
  EXPECT_EQ(r.root_namespace(), "urn:test:b");
  r.seek({});
  const auto chunks = read_all(r, 100);
  ASSERT_EQ(chunks.size(), 1u);
  const RawChunk& c = chunks[0];
  ASSERT_EQ(c.slots.size(), 5u);
  EXPECT_TRUE(c.slots[0].problem.empty());
  EXPECT_TRUE(c.slots[1].problem.empty()) << "a self-closing record";
  EXPECT_NE(c.slots[2].problem.find("does not close"), std::string::npos) << c.slots[2].problem;
  EXPECT_NE(c.slots[3].problem.find("not closed"), std::string::npos) << c.slots[3].problem;
  EXPECT_TRUE(c.slots[4].problem.empty()) << "the record after an unclosed one is intact";
  EXPECT_EQ(c.slots[4].line, 10u);
  EXPECT_EQ(c.slots[4].offset, xml.find("<p:R n='5'>"));
  EXPECT_EQ(c.spans.size(), 3u);
  const std::string doc = r.document(c);
  EXPECT_EQ(doc.find("<p:B xmlns:p='urn:test:b' id=\"a>b\">"), doc.find('\n') + 1) << doc;
  EXPECT_NE(doc.find("</p:B>"), std::string::npos);
  EXPECT_TRUE(r.warnings().empty());
}

// One broken record is one bad record with a true reason, however deep it nests (issue 16, item 8).
TEST(Reader, XmlNestingIsOneBadRecordHoweverDeep) {
  ecid::testing::TempDir dir;
  for (const size_t depth : {size_t{3}, size_t{10000}, size_t{1000000}}) {
    SCOPED_TRACE(depth);
    std::string nest;
    nest.reserve(depth * 8);
    for (size_t d = 0; d < depth; ++d) nest += "<R>";
    nest += "x";
    for (size_t d = 0; d < depth; ++d) nest += "</R>";
    write_file(dir / "n.xml", "<B>\n<R><F>1</F></R>\n" + nest + "\n<R><F>2</F></R>\n</B>\n");
    BatchReader r(dir / "n.xml", ecid::BatchFormat::Xml, ecid::BatchEncoding::Auto);
    r.seek({});
    const auto chunks = read_all(r, 100);
    size_t slots = 0;
    for (const RawChunk& c : chunks) slots += c.slots.size();
    ASSERT_EQ(slots, 3u) << "the record before, the nested one, the record after";
    const RawChunk& c = chunks[0];
    EXPECT_TRUE(c.slots[0].problem.empty()) << c.slots[0].problem;
    const std::string& why = c.slots[1].problem;
    EXPECT_NE(why.find(depth > 256 ? "nested deeper than 256 levels" : "a <R> record inside another"), std::string::npos) << why;
    EXPECT_EQ(why.find("not closed"), std::string::npos) << why;
    EXPECT_TRUE(c.slots[2].problem.empty()) << c.slots[2].problem;
    EXPECT_EQ(c.spans.size(), 2u);
    EXPECT_TRUE(r.warnings().empty()) << r.warnings()[0];
  }
}

TEST(Reader, AHugeAttributeOnTheRootIsRefusedForWhatItIs) {
  ecid::testing::TempDir dir;
  write_file(dir / "h.xml", "<B note=\"" + std::string(10u << 20, 'a') + "\">\n<R/>\n</B>\n");
  try {
    BatchReader r(dir / "h.xml", ecid::BatchFormat::Xml, ecid::BatchEncoding::Auto);
    FAIL() << "a 10 MB root start tag was accepted";
  } catch (const ecid::CollationError& e) {
    EXPECT_NE(std::string(e.what()).find("root start tag is longer than 128 KiB"), std::string::npos) << e.what();
  }
}

TEST(Reader, XmlThatEndsEarly) {
  ecid::testing::TempDir dir;
  write_file(dir / "c.xml", "<B><R>1</R><R>2</R>");
  BatchReader r(dir / "c.xml", ecid::BatchFormat::Xml, ecid::BatchEncoding::Auto);
  r.seek({});
  auto chunks = read_all(r, 10);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].spans.size(), 2u);
  ASSERT_EQ(r.warnings().size(), 1u);
  EXPECT_NE(r.warnings()[0].find("ends before the root element <B> is closed"), std::string::npos) << r.warnings()[0];

  write_file(dir / "d.xml", "<B><R>1</R><R>2");
  BatchReader d(dir / "d.xml", ecid::BatchFormat::Xml, ecid::BatchEncoding::Auto);
  d.seek({});
  chunks = read_all(d, 10);
  ASSERT_EQ(chunks[0].slots.size(), 2u);
  EXPECT_NE(chunks[0].slots[1].problem.find("ends inside"), std::string::npos) << chunks[0].slots[1].problem;

  write_file(dir / "e.xml", "<B/>");
  BatchReader e(dir / "e.xml", ecid::BatchFormat::Xml, ecid::BatchEncoding::Auto);
  e.seek({});
  EXPECT_TRUE(read_all(e, 10).empty());
  EXPECT_EQ(e.empty_document(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<B>\n</B>\n");

  write_file(dir / "f.xml", "  \n");
  EXPECT_THROW(BatchReader(dir / "f.xml", ecid::BatchFormat::Xml, ecid::BatchEncoding::Auto), ecid::CollationError);
}

TEST(DuplicateIndex, KeysWithSeveralValuesAcrossPartitions) {
  using ecid::collate::decode_batch_value;
  using ecid::collate::encode_batch_value;
  EXPECT_EQ(decode_batch_value(encode_batch_value("001085000101")), "001085000101");
  EXPECT_EQ(decode_batch_value(encode_batch_value("0000000001")), "0000000001") << "leading zeros are kept";
  EXPECT_NE(encode_batch_value("01"), encode_batch_value("1"));
  EXPECT_TRUE(decode_batch_value(encode_batch_value("not digits")).empty());
  ecid::testing::TempDir dir;
  ecid::collate::BatchKeyCollector collector(dir.path(), 7);
  std::vector<ecid::collate::BatchPair> pairs;
  for (uint64_t k = 0; k < 1000; ++k) pairs.push_back({encode_batch_value(std::to_string(100000 + k)), encode_batch_value("1")});
  pairs.push_back({encode_batch_value("100005"), encode_batch_value("2")});   // shared
  pairs.push_back({encode_batch_value("100005"), encode_batch_value("2")});   // the same value again
  pairs.push_back({encode_batch_value("100999"), encode_batch_value("3")});   // shared
  collector.add(pairs);
  const auto index = collector.finish(dir / "dup.bin");
  EXPECT_EQ(index.keys(), 2u);
  std::vector<uint64_t> others;
  EXPECT_EQ(index.others(encode_batch_value("100005"), encode_batch_value("1"), others, 20), 1u);
  ASSERT_EQ(others.size(), 1u);
  EXPECT_EQ(decode_batch_value(others[0]), "2");
  EXPECT_EQ(index.others(encode_batch_value("100005"), encode_batch_value("1"), others, 0), 1u) << "counted, not listed";
  EXPECT_TRUE(others.empty());
  EXPECT_EQ(index.others(encode_batch_value("100006"), encode_batch_value("1"), others, 20), 0u);
  EXPECT_TRUE(others.empty());
  const auto loaded = ecid::collate::DuplicateIndex::load(dir / "dup.bin");
  EXPECT_EQ(loaded.pairs(), index.pairs());
  write_file(dir / "bad.bin", "not an index");
  EXPECT_THROW(ecid::collate::DuplicateIndex::load(dir / "bad.bin"), std::runtime_error);
}

// The in-cache filter in front of the binary search must never hide a duplicate: every shared
// key of a large random index is still answered, and unshared keys still answer none.
TEST(DuplicateIndex, TheFilterNeverHidesASharedKey) {
  std::mt19937_64 rng(11);
  std::vector<ecid::collate::BatchPair> pairs;
  std::set<uint64_t> shared;
  for (int i = 0; i < 50000; ++i) {
    const uint64_t key = rng() >> 1;
    shared.insert(key);
    const int values = 2 + static_cast<int>(rng() % 3);
    for (int v = 0; v < values; ++v) pairs.push_back({key, static_cast<uint64_t>(v + 1)});
  }
  std::sort(pairs.begin(), pairs.end());
  const ecid::collate::DuplicateIndex index(pairs);
  std::vector<uint64_t> others;
  for (uint64_t key : shared) ASSERT_GE(index.others(key, 1, others, 20), 1u) << key;
  for (int i = 0; i < 200000; ++i) {
    const uint64_t key = rng() >> 1;
    if (!shared.count(key)) {
      ASSERT_EQ(index.others(key, 1, others, 20), 0u);
    }
  }
  EXPECT_EQ(ecid::collate::DuplicateIndex().others(42, 1, others, 20), 0u) << "an empty index";
}

TEST(Prefetch, AnswersComeBackInQueryOrderAsTheRegisterGaveThem) {
  ecid::testing::TempDir dir;
  FakeRegister reg(fixtures());
  ecid::collate::PrefetchCollector collector(dir.path());
  std::vector<ecid::collate::PrefetchKey> keys;
  const auto people = fixtures();
  for (uint64_t record = 1; record <= 3000; ++record) {
    const std::string& pid = people[record * 7 % people.size()].pid;
    keys.push_back({std::stoull(pid), ecid::collate::prefetch_query_number(record, 0)});
  }
  keys.push_back({1095999999ull, ecid::collate::prefetch_query_number(3001, 0)});  // not on the register
  const ecid::FieldSet fields{ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_DEATH_DATE};
  // And a candidate search and a legacy look-up, prefetched in register order too.
  std::vector<ecid::collate::PrefetchRequest> requests;
  requests.push_back({ecid::collate::prefetch_query_number(3002, 0), ECID_Q_PERSON_CANDIDATES, "",
                      {{ECID_F_FULL_NAME, people[9].name}, {ECID_F_BIRTH_DATE, "1987"}}});
  requests.push_back({ecid::collate::prefetch_query_number(3003, 0), ECID_Q_PERSON_BY_LEGACY_ID, "172345678", {}});
  collector.add(keys, requests, "p", fields);
  const auto plan = collector.finish();
  EXPECT_EQ(plan.keys, keys.size());
  EXPECT_EQ(plan.requests, 2u);
  const auto runs = ecid::collate::build_prefetch(dir.path(), plan, reg, 3, {});
  ASSERT_FALSE(runs.empty());
  ecid::collate::PrefetchCursor cursor(runs, {});
  std::vector<ecid::collate::PrefetchedAnswer> got;
  cursor.take(ecid::collate::prefetch_query_number(1501, 0), got);
  ASSERT_EQ(got.size(), 1500u);
  const auto offsets = cursor.offsets();
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].query, ecid::collate::prefetch_query_number(i + 1, 0));
    EXPECT_EQ(got[i].status, static_cast<uint32_t>(ECID_ANSWER_FOUND));
    const Person& p = people[(i + 1) * 7 % people.size()];
    EXPECT_EQ(got[i].fingerprint, ecid::collate::request_fingerprint(ECID_Q_PERSON_BY_ID, p.pid, {}));
    ASSERT_EQ(got[i].records.size(), 1u);
    ASSERT_NE(got[i].records[0].find(ECID_F_FULL_NAME), nullptr);
    EXPECT_EQ(*got[i].records[0].find(ECID_F_FULL_NAME), p.name);
    EXPECT_EQ(*got[i].records[0].find(ECID_F_DEATH_DATE), p.death);
  }
  // A cursor opened where the first one stopped continues with the same answers.
  ecid::collate::PrefetchCursor resumed(runs, offsets);
  std::vector<ecid::collate::PrefetchedAnswer> rest, rest_again;
  resumed.take(UINT64_MAX, rest);
  cursor.take(UINT64_MAX, rest_again);
  ASSERT_EQ(rest.size(), 1503u);
  ASSERT_EQ(rest_again.size(), rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    EXPECT_EQ(rest[i].query, rest_again[i].query);
    ASSERT_EQ(rest[i].records.size(), rest_again[i].records.size());
    for (size_t k = 0; k < rest[i].records.size(); ++k) EXPECT_EQ(rest[i].records[k].values, rest_again[i].records[k].values);
  }
  EXPECT_EQ(rest[1500].status, static_cast<uint32_t>(ECID_ANSWER_NOT_FOUND));
  // The candidate search found fixture 10 and disclosed its ID; the legacy ID, fixture 6.
  ASSERT_EQ(rest[1501].records.size(), 1u);
  ASSERT_NE(rest[1501].records[0].find(ECID_F_PERSONAL_ID), nullptr);
  EXPECT_EQ(*rest[1501].records[0].find(ECID_F_PERSONAL_ID), "079087000111");
  EXPECT_EQ(rest[1501].fingerprint,
            ecid::collate::request_fingerprint(ECID_Q_PERSON_CANDIDATES, "", requests[0].claims));
  ASSERT_EQ(rest[1502].records.size(), 1u);
  ASSERT_NE(rest[1502].records[0].find(ECID_F_PERSONAL_ID), nullptr);
  EXPECT_EQ(*rest[1502].records[0].find(ECID_F_PERSONAL_ID), "038088000606");
}

// The embedded register answers a large sorted batch by walking the table; the answers must be
// exactly those of one-by-one look-ups.
TEST(RegisterBatchPath, SortedBatchesAnswerLikeSingleLookups) {
  ecid::testing::TempDir dir;
  ecid::SeedOptions so;
  so.people = 5000;
  so.seed = 11;
  so.path = (dir / "r.db").string();
  ecid::seed_register(so);
  auto reg = ecid::open_embedded_register(so.path);
  std::vector<ecid::LookupRequest> requests;
  std::mt19937 rng(3);
  const auto people = fixtures();
  const ecid::FieldSet core{ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX, ECID_F_DEATH_DATE};
  const ecid::FieldSet wide{ECID_F_FULL_NAME, ECID_F_CURRENT_RESIDENCE, ECID_F_HOUSEHOLD};
  for (int i = 0; i < 400; ++i) {
    ecid::LookupRequest r;
    r.kind = ECID_Q_PERSON_BY_ID;
    switch (rng() % 5) {
      case 0: r.key = people[rng() % people.size()].pid; break;
      case 1: r.key = "001095999" + std::to_string(100 + rng() % 900); break;  // never issued
      case 2: r.key = "000085000101"; break;                                   // cannot exist
      default: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%03u%01u%02u%06u", static_cast<unsigned>(1 + rng() % 96),
                      static_cast<unsigned>(rng() % 4), static_cast<unsigned>(rng() % 100),
                      static_cast<unsigned>(rng() % 1000000));
        r.key = buf;
      }
    }
    r.fields = rng() % 4 ? core : wide;
    requests.push_back(std::move(r));
  }
  for (int i = 0; i < 50; ++i) requests.push_back(requests[rng() % requests.size()]);  // repeated keys
  std::vector<ecid::LookupResult> batch(requests.size());
  reg->lookup(requests, batch);
  size_t found = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    std::vector<ecid::LookupResult> one(1);
    reg->lookup(std::span(&requests[i], 1), one);
    EXPECT_EQ(batch[i].status, one[0].status) << requests[i].key;
    EXPECT_EQ(batch[i].detail, one[0].detail);
    ASSERT_EQ(batch[i].records.size(), one[0].records.size());
    for (size_t k = 0; k < one[0].records.size(); ++k) EXPECT_EQ(batch[i].records[k].values, one[0].records[k].values);
    found += batch[i].status == ECID_ANSWER_FOUND;
  }
  EXPECT_GT(found, 50u);
}

TEST(Matching, BirthRegistrationPlaceComparesProvinceCodes) {
  ecid::RegisterRecord rec;
  rec.values = {{ECID_F_BIRTH_REGISTRATION_PLACE, "001"}};
  auto outcome = [&](const std::string& claimed) {
    const ecid::Claim c{ECID_F_BIRTH_REGISTRATION_PLACE, claimed};
    return ecid::check_claims(std::span(&c, 1), rec, false).at(0).outcome;
  };
  EXPECT_EQ(outcome("1"), static_cast<uint32_t>(ECID_CHECK_MATCH));
  EXPECT_EQ(outcome("01"), static_cast<uint32_t>(ECID_CHECK_MATCH));
  EXPECT_EQ(outcome(" 001 "), static_cast<uint32_t>(ECID_CHECK_MATCH));
  EXPECT_EQ(outcome("79"), static_cast<uint32_t>(ECID_CHECK_MISMATCH));
  EXPECT_EQ(outcome("H\xC3\xA0 N\xE1\xBB\x99i"), static_cast<uint32_t>(ECID_CHECK_MISMATCH));
}

TEST(PolicyGate, BatchQueriesNeedAGrantedPurposeAndDiscloseOnlyTheSectorId) {
  const ecid::Config config = config_for();
  ecid::AdapterRegistry registry;
  registry.load_directory(ECID_ADAPTER_DIR);
  const ecid::LoadedAdapter* a = registry.find("social_insurance");
  ASSERT_NE(a, nullptr);
  using ecid::policy_refusal;
  EXPECT_EQ(policy_refusal(config, a->manifest, ECID_Q_BATCH_DUPLICATES, "social_insurance.collation",
                           ecid::FieldSet{ECID_F_SECTOR_RECORD_ID}),
            "");
  EXPECT_NE(policy_refusal(config, a->manifest, ECID_Q_BATCH_DUPLICATES, "social_insurance.collation",
                           ecid::FieldSet{ECID_F_FULL_NAME}),
            "");
  EXPECT_NE(policy_refusal(config, a->manifest, ECID_Q_BATCH_DUPLICATES, "other.purpose", {}), "");
  EXPECT_EQ(policy_refusal(config, a->manifest, ECID_Q_PERSON_BY_ID, "social_insurance.collation",
                           ecid::FieldSet{ECID_F_DEATH_DATE}),
            "");
  EXPECT_NE(policy_refusal(config, a->manifest, ECID_Q_PERSON_BY_ID, "social_insurance.collation",
                           ecid::FieldSet{ECID_F_CURRENT_RESIDENCE}),
            "");
}

}  // namespace
