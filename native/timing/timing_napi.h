#pragma once
#include <napi.h>

namespace prtip {
void InitTiming(Napi::Env env, Napi::Object exports);
// Known-count workloads for checking counters (workloads.cc).
void InitWorkloads(Napi::Env env, Napi::Object exports);
}
