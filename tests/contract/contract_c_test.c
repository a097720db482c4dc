/* The contract must stay C: this file is compiled as C11 with -Wall -Wextra -Werror. */
#include <ecid/contract.h>

#include <stdio.h>

int main(void) {
  ecid_str s = {"x", 1};
  ecid_query q = {0};
  q.struct_size = sizeof q;
  q.kind = ECID_Q_PERSON_BY_ID;
  q.key = s;
  if (ECID_ABI_MAJOR != 1 || q.key.len != 1) return 1;
  if (sizeof(ecid_str) != 16) return 1; /* ptr + uint64 len on LP64 */
  printf("1 passed, 0 failed\n");
  return 0;
}
