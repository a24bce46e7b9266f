#pragma once
#include <napi.h>

namespace prtip {
void InitNetns(Napi::Env env, Napi::Object exports);
}
