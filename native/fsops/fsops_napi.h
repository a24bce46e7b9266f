#pragma once
#include <napi.h>

namespace prtip {
void InitFsOps(Napi::Env env, Napi::Object exports);
}
