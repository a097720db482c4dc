/* An adapter written in plain C against contract.h: proves the ABI is C, and lets tests
 * build descriptors a well-behaved SDK would never produce (wrong majors, newer minors). */
#include <ecid/contract.h>

#ifndef RAW_NAME
#define RAW_NAME "raw"
#endif
#ifndef RAW_MAJOR
#define RAW_MAJOR ECID_ABI_MAJOR
#endif
#ifndef RAW_MINOR
#define RAW_MINOR 0 /* a 1.0 adapter must keep loading on newer 1.x hosts */
#endif
#ifndef RAW_ENTRY
#define RAW_ENTRY ecid_adapter_entry_v1
#endif

static int dummy_instance;

static int32_t raw_create(const ecid_host_services* host, void** out) {
  (void)host;
  *out = &dummy_instance;
  return ECID_OK;
}
static void raw_destroy(void* instance) { (void)instance; }
static int32_t raw_open(void* instance, ecid_str doc, const ecid_report_sink* diag, void** out) {
  (void)instance;
  (void)doc;
  (void)diag;
  *out = &dummy_instance;
  return ECID_OK;
}
static int32_t raw_plan(void* session, uint32_t round, const ecid_answer* answers, uint32_t n,
                        const ecid_plan_sink* sink, const ecid_report_sink* diag) {
  (void)session; (void)round; (void)answers; (void)n; (void)sink; (void)diag;
  return ECID_OK;
}
static int32_t raw_assess(void* session, const ecid_answer* answers, uint32_t n, const ecid_report_sink* report) {
  static const char subject[] = "document";
  ecid_finding f = {0};
  (void)session; (void)answers; (void)n;
  f.struct_size = sizeof f;
  f.code = ECID_FINDING_VERIFIED;
  f.severity = ECID_SEVERITY_OK;
  f.subject_ref.ptr = subject;
  f.subject_ref.len = sizeof subject - 1;
  return report->add_finding(report->ctx, &f);
}
static void raw_close(void* session) { (void)session; }

static const ecid_document_type raw_types[] = {{sizeof(ecid_document_type), "Raw", "urn:ecid:test:raw"}};

static const ecid_adapter_v1 raw_descriptor = {
    sizeof(ecid_adapter_v1), RAW_MAJOR, RAW_MINOR, RAW_NAME, "1.0.0", 1, raw_types,
    raw_create, raw_destroy, raw_open, raw_plan, raw_assess, raw_close};

__attribute__((visibility("default"))) const ecid_adapter_v1* RAW_ENTRY(uint16_t major, uint16_t minor) {
  (void)minor;
  (void)major;
  return &raw_descriptor;
}
