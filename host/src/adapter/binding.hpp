// An adapter's C side as the loader bound it: only the driver and the conformance kit touch it.
#pragma once

#include <ecid/contract.h>

namespace ecid {

struct AdapterBinding {
  const ecid_adapter_v1* descriptor = nullptr;  // static in the adapter library
  void* instance = nullptr;                     // from descriptor->create
};

}  // namespace ecid
