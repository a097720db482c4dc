// Test helper: appends rows to an audit database from its own process, so tests can run several
// writers at once and kill one mid-batch.
// Usage: audit_writer DB KEY ANCHOR_FILE ROWS BATCH_ROWS TAG
// Row i (from 0) has document_ref "TAG-i"; rows are appended in order of i.
#include <ecid/audit.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: audit_writer DB KEY ANCHOR_FILE ROWS BATCH_ROWS TAG\n");
    return 2;
  }
  try {
    ecid::AuditOptions options;
    options.path = argv[1];
    options.key = argv[2];
    options.anchor_file = argv[3];
    options.anchor_every = 1000;
    options.batch_rows = std::strtoull(argv[5], nullptr, 10);
    options.max_delay = std::chrono::milliseconds(0);  // only whole batches: a crash leaves whole batches
    const unsigned long long rows = std::strtoull(argv[4], nullptr, 10);
    const std::string tag = argv[6];
    ecid::AuditLog log(options);
    ecid::AuditEvent event;
    event.kind = ecid::kAuditRegisterQuery;
    event.adapter = "court";
    event.adapter_version = "1.2.0";
    event.purpose = "court_judgment_check";
    event.legal_basis = "Law 59/2020/QH14 art. 10";
    event.fields_disclosed = {"full_name", "birth_date"};
    event.outcome = "found";
    char id[32];
    for (unsigned long long i = 0; i < rows; ++i) {
      std::snprintf(id, sizeof id, "0%02llu%09llu", i % 97, i % 1000000000);
      event.subject_id = id;
      event.document_ref = tag + "-" + std::to_string(i);
      log.append(event);
    }
    log.close();
    std::printf("appended %llu\n", rows);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "audit_writer: %s\n", e.what());
    return 1;
  }
}
