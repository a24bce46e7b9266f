#include "process_napi.h"

namespace prtip {
// Filled in by the process issue.
void InitProcess(Napi::Env, Napi::Object) {}
}  // namespace prtip
