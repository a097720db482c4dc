/* An adapter that gives its document reference only in assess: the audit rows of its look-ups
 * would name the file instead, so the conformance kit must fail its corpus check. */
#include <ecid/contract.h>

static int instance, session;
static const uint32_t fields[] = {ECID_F_DEATH_DATE};

static int32_t c_create(const ecid_host_services* host, void** out) {
  if (!host || host->abi_major != ECID_ABI_MAJOR) return ECID_E_UNSUPPORTED;
  *out = &instance;
  return ECID_OK;
}
static void c_destroy(void* i) { (void)i; }
static int32_t c_open(void* i, ecid_str doc, const ecid_report_sink* diag, void** out) {
  (void)i; (void)doc; (void)diag;
  *out = &session;
  return ECID_OK;
}
static int32_t c_plan(void* s, uint32_t round, const ecid_answer* a, uint32_t n, const ecid_plan_sink* p,
                      const ecid_report_sink* d) {
  (void)s; (void)a; (void)n; (void)d;
  if (round > 0) return ECID_OK;
  ecid_query q = {sizeof(ecid_query), ECID_Q_PERSON_BY_ID, {"person", 6}, {"001085000101", 12},
                  {"late.check", 10}, 0, 0, 1, fields, 0};
  uint32_t id = 0;
  return p->add_query(p->ctx, &q, &id);
}
static int32_t c_assess(void* s, const ecid_answer* a, uint32_t n, const ecid_report_sink* r) {
  (void)s; (void)a; (void)n;
  return r->set_document_ref(r->ctx, (ecid_str){"LATE-1", 6});
}
static void c_close(void* s) { (void)s; }

static const ecid_document_type types[] = {{sizeof(ecid_document_type), "Late", "urn:ecid:test:late"}};
static const ecid_adapter_v1 descriptor = {sizeof(ecid_adapter_v1), ECID_ABI_MAJOR, 0, "late", "1.0.0",
                                           1, types, c_create, c_destroy, c_open, c_plan, c_assess, c_close};

__attribute__((visibility("default"))) const ecid_adapter_v1* ecid_adapter_entry_v1(uint16_t major, uint16_t minor) {
  (void)minor;
  return major == ECID_ABI_MAJOR ? &descriptor : 0;
}
