#pragma once
#include <napi.h>

namespace prtip {
void InitTiming(Napi::Env env, Napi::Object exports);
}
