#include "packet_napi.h"

namespace prtip {
// Filled in by the packet issue.
void InitPacket(Napi::Env, Napi::Object) {}
}  // namespace prtip
