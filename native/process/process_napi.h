#pragma once
#include <napi.h>

namespace prtip {
void InitProcess(Napi::Env env, Napi::Object exports);
}
