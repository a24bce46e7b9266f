#include "rawio_napi.h"

namespace prtip {
// Filled in by the rawio issue.
void InitRawIo(Napi::Env, Napi::Object) {}
}  // namespace prtip
