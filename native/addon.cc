// Module init only: each concern registers its own functions.
#include <napi.h>

#include "common/errors.h"
#include "counters/counters_napi.h"
#include "fsops/fsops_napi.h"
#include "netns/netns_napi.h"
#include "packet/packet_napi.h"
#include "process/process_napi.h"
#include "profile/profile_napi.h"
#include "rawio/rawio_napi.h"
#include "timing/timing_napi.h"
#include "valgrind/valgrind_napi.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, prtip::SetErrorClass, "setErrorClass"));
  prtip::InitTiming(env, exports);
  prtip::InitCounters(env, exports);
  prtip::InitPacket(env, exports);
  prtip::InitRawIo(env, exports);
  prtip::InitNetns(env, exports);
  prtip::InitProcess(env, exports);
  prtip::InitProfile(env, exports);
  prtip::InitValgrind(env, exports);
  prtip::InitFsOps(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(prtip_perf, Init)
