/* The contract must stay C: this file is compiled as C11 with -Wall -Wextra -Werror.
 * It also freezes the layout (LP64): members are only ever appended, so every offset below stays
 * what it is and a struct grows only at its end. A change that moves a member fails here. */
#include <ecid/contract.h>

#include <stddef.h>
#include <stdio.h>

static int failed, passed;

static void expect(const char* what, size_t got, size_t want) {
  if (got == want) {
    ++passed;
    return;
  }
  ++failed;
  printf("FAIL %s: %zu, expected %zu\n", what, got, want);
}

#define OFFSET(type, member, want) expect(#type "." #member, offsetof(type, member), want)
#define SIZE(type, want) expect("sizeof " #type, sizeof(type), want)

int main(void) {
  ecid_str s = {"x", 1};
  ecid_query q = {0};
  q.struct_size = sizeof q;
  q.kind = ECID_Q_PERSON_BY_ID;
  q.key = s;
  expect("ABI major", ECID_ABI_MAJOR, 1);
  expect("ABI minor", ECID_ABI_MINOR, 3);
  expect("key length", q.key.len, 1);

  SIZE(ecid_str, 16);
  SIZE(ecid_claim, 24);
  OFFSET(ecid_claim, value, 8);
  /* ecid_query: 1.0 members, then record (1.3) */
  OFFSET(ecid_query, kind, 4);
  OFFSET(ecid_query, subject_ref, 8);
  OFFSET(ecid_query, key, 24);
  OFFSET(ecid_query, purpose, 40);
  OFFSET(ecid_query, claims, 56);
  OFFSET(ecid_query, claim_count, 64);
  OFFSET(ecid_query, field_count, 68);
  OFFSET(ecid_query, fields, 72);
  OFFSET(ecid_query, record, 80);
  SIZE(ecid_query, 88);
  OFFSET(ecid_field_check, outcome, 8);
  OFFSET(ecid_field_check, reason, 16);
  SIZE(ecid_field_check, 32);
  OFFSET(ecid_field_value, value, 8);
  SIZE(ecid_field_value, 24);
  OFFSET(ecid_record, values, 8);
  OFFSET(ecid_record, check_count, 16);
  OFFSET(ecid_record, checks, 24);
  SIZE(ecid_record, 32);
  /* ecid_answer: 1.0 members, and reason (1.3) in what was padding */
  OFFSET(ecid_answer, query_id, 4);
  OFFSET(ecid_answer, round, 8);
  OFFSET(ecid_answer, status, 12);
  OFFSET(ecid_answer, source, 16);
  OFFSET(ecid_answer, detail, 32);
  OFFSET(ecid_answer, record_count, 48);
  OFFSET(ecid_answer, reason, 52); /* was padding: answers are an array, their size is frozen */
  OFFSET(ecid_answer, records, 56);
  SIZE(ecid_answer, 64);
  OFFSET(ecid_plan_sink, ctx, 8);
  OFFSET(ecid_plan_sink, add_query, 16);
  SIZE(ecid_plan_sink, 24);
  /* ecid_finding: 1.0 members, then record (1.3) */
  OFFSET(ecid_finding, code, 4);
  OFFSET(ecid_finding, severity, 8);
  OFFSET(ecid_finding, field, 12);
  OFFSET(ecid_finding, subject_ref, 16);
  OFFSET(ecid_finding, value, 32);
  OFFSET(ecid_finding, detail, 48);
  OFFSET(ecid_finding, record, 64);
  SIZE(ecid_finding, 72);
  OFFSET(ecid_report_sink, add_finding, 16);
  OFFSET(ecid_report_sink, set_document_ref, 24);
  OFFSET(ecid_report_sink, set_error, 32);
  SIZE(ecid_report_sink, 40);
  OFFSET(ecid_personal_id_info, valid, 4);
  OFFSET(ecid_personal_id_info, province_code, 8);
  OFFSET(ecid_personal_id_info, sex, 12);
  OFFSET(ecid_personal_id_info, birth_year, 16);
  OFFSET(ecid_personal_id_info, problem, 24);
  SIZE(ecid_personal_id_info, 40);
  SIZE(ecid_date, 16);
  OFFSET(ecid_host_services, abi_major, 4);
  OFFSET(ecid_host_services, abi_minor, 6);
  OFFSET(ecid_host_services, ctx, 8);
  OFFSET(ecid_host_services, log, 16);
  OFFSET(ecid_host_services, decode_personal_id, 24);
  OFFSET(ecid_host_services, parse_date, 32);
  OFFSET(ecid_host_services, now, 40);
  SIZE(ecid_host_services, 48);
  OFFSET(ecid_document_type, root, 8);
  OFFSET(ecid_document_type, namespace_uri, 16);
  SIZE(ecid_document_type, 24);
  OFFSET(ecid_adapter_v1, abi_minor, 6);
  OFFSET(ecid_adapter_v1, name, 8);
  OFFSET(ecid_adapter_v1, version, 16);
  OFFSET(ecid_adapter_v1, document_type_count, 24);
  OFFSET(ecid_adapter_v1, document_types, 32);
  OFFSET(ecid_adapter_v1, create, 40);
  OFFSET(ecid_adapter_v1, destroy, 48);
  OFFSET(ecid_adapter_v1, open_document, 56);
  OFFSET(ecid_adapter_v1, plan, 64);
  OFFSET(ecid_adapter_v1, assess, 72);
  OFFSET(ecid_adapter_v1, close_document, 80);
  SIZE(ecid_adapter_v1, 88);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
