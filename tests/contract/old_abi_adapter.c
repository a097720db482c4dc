/* An adapter compiled against the 1.2 contract.h (tests/contract/abi_1_2), before records and
 * reasons were structured: it names records only by "record[n]" subject references, and reads
 * every answer of the array with its own sizeof(ecid_answer). The host of today must load and
 * serve it unchanged. Document: <Old xmlns="urn:ecid:test:old"><R>ID</R>…</Old>. */
#include <ecid/contract.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECORDS 16

typedef struct {
  int count;
  char ids[MAX_RECORDS][13];
  uint32_t query_of[MAX_RECORDS];
} session_t;

static int instance;
static const uint32_t fields[] = {ECID_F_FULL_NAME};

static int32_t c_create(const ecid_host_services* host, void** out) {
  if (!host || host->abi_major != ECID_ABI_MAJOR) return ECID_E_UNSUPPORTED;
  *out = &instance;
  return ECID_OK;
}
static void c_destroy(void* i) { (void)i; }

static int32_t c_open(void* i, ecid_str doc, const ecid_report_sink* diag, void** out) {
  (void)i;
  session_t* s = calloc(1, sizeof *s);
  if (!s) return ECID_E_NO_MEMORY;
  const char* p = doc.ptr;
  const char* end = doc.ptr + doc.len;
  while (p && p < end && s->count < MAX_RECORDS) {
    const char* open = memmem(p, (size_t)(end - p), "<R>", 3);
    if (!open || open + 3 + 12 > end) break;
    memcpy(s->ids[s->count++], open + 3, 12);
    p = open + 3 + 12;
  }
  if (s->count == 0) {
    diag->set_error(diag->ctx, (ecid_str){"no <R> record", 13});
    free(s);
    return ECID_E_INVALID_DOCUMENT;
  }
  diag->set_document_ref(diag->ctx, (ecid_str){"OLD-1", 5});
  *out = s;
  return ECID_OK;
}

static int32_t c_plan(void* sp, uint32_t round, const ecid_answer* a, uint32_t n, const ecid_plan_sink* p,
                      const ecid_report_sink* d) {
  session_t* s = sp;
  (void)a; (void)n; (void)d;
  if (round > 0) return ECID_OK;
  for (int r = 0; r < s->count; ++r) {
    char subject[32];
    const int len = snprintf(subject, sizeof subject, "record[%d] R", r + 1);
    ecid_query q = {sizeof(ecid_query), ECID_Q_PERSON_BY_ID, {subject, (uint64_t)len}, {s->ids[r], 12},
                    {"old.check", 9}, 0, 0, 1, fields};
    const int32_t rc = p->add_query(p->ctx, &q, &s->query_of[r]);
    if (rc != ECID_OK) return rc;
  }
  return ECID_OK;
}

static int32_t c_assess(void* sp, const ecid_answer* a, uint32_t n, const ecid_report_sink* report) {
  session_t* s = sp;
  for (uint32_t k = 0; k < n; ++k) {
    const ecid_answer* answer = &a[k]; /* indexed with this header's sizeof(ecid_answer) */
    int r = 0;
    while (r < s->count && s->query_of[r] != answer->query_id) ++r;
    if (r == s->count || answer->struct_size < sizeof(ecid_answer)) return ECID_E_HOST;
    char subject[32];
    const int len = snprintf(subject, sizeof subject, "record[%d] R", r + 1);
    const int found = answer->status == ECID_ANSWER_FOUND && answer->record_count == 1;
    const ecid_str name = found && answer->records[0].value_count ? answer->records[0].values[0].value : (ecid_str){0, 0};
    ecid_finding f = {sizeof(ecid_finding), found ? ECID_FINDING_VERIFIED : ECID_FINDING_ID_NOT_FOUND,
                      found ? ECID_SEVERITY_OK : ECID_SEVERITY_ATTENTION, 0, {subject, (uint64_t)len}, name,
                      {"old", 3}};
    const int32_t rc = report->add_finding(report->ctx, &f);
    if (rc != ECID_OK) return rc;
  }
  return ECID_OK;
}

static void c_close(void* s) { free(s); }

static const ecid_document_type types[] = {{sizeof(ecid_document_type), "Old", "urn:ecid:test:old"}};
static const ecid_adapter_v1 descriptor = {sizeof(ecid_adapter_v1), ECID_ABI_MAJOR, 1, "old", "1.0.0",
                                           1, types, c_create, c_destroy, c_open, c_plan, c_assess, c_close};

__attribute__((visibility("default"))) const ecid_adapter_v1* ecid_adapter_entry_v1(uint16_t major, uint16_t minor) {
  (void)minor;
  return major == ECID_ABI_MAJOR ? &descriptor : 0;
}
