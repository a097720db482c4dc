/* An adapter that crashes (SIGSEGV) on any document: the conformance kit must report failed
 * lines for the groups that touch documents and go on with the rest, never die itself. */
#include <ecid/contract.h>

#include <signal.h>

static int instance;
static int32_t c_create(const ecid_host_services* host, void** out) {
  if (!host || host->abi_major != ECID_ABI_MAJOR) return ECID_E_UNSUPPORTED;
  *out = &instance;
  return ECID_OK;
}
static void c_destroy(void* i) { (void)i; }
static int32_t c_open(void* i, ecid_str doc, const ecid_report_sink* diag, void** out) {
  (void)i; (void)doc; (void)diag; (void)out;
  raise(SIGSEGV); /* as a NULL dereference would, without relying on undefined behaviour */
  return ECID_E_INTERNAL;
}
static int32_t c_plan(void* s, uint32_t r, const ecid_answer* a, uint32_t n, const ecid_plan_sink* p,
                      const ecid_report_sink* d) {
  (void)s; (void)r; (void)a; (void)n; (void)p; (void)d;
  return ECID_OK;
}
static int32_t c_assess(void* s, const ecid_answer* a, uint32_t n, const ecid_report_sink* r) {
  (void)s; (void)a; (void)n; (void)r;
  return ECID_OK;
}
static void c_close(void* s) { (void)s; }

static const ecid_document_type types[] = {{sizeof(ecid_document_type), "Crash", "urn:ecid:test:crash"}};
static const ecid_adapter_v1 descriptor = {sizeof(ecid_adapter_v1), ECID_ABI_MAJOR, 0, "crashing", "1.0.0",
                                           1, types, c_create, c_destroy, c_open, c_plan, c_assess, c_close};

__attribute__((visibility("default"))) const ecid_adapter_v1* ecid_adapter_entry_v1(uint16_t major, uint16_t minor) {
  (void)minor;
  return major == ECID_ABI_MAJOR ? &descriptor : 0;
}
