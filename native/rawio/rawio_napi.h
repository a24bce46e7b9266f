#pragma once
#include <napi.h>

namespace prtip {
void InitRawIo(Napi::Env env, Napi::Object exports);
}
