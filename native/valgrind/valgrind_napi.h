#pragma once
#include <napi.h>

namespace prtip {
void InitValgrind(Napi::Env env, Napi::Object exports);
}
