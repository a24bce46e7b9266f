#pragma once
#include <napi.h>

namespace prtip {
void InitPacket(Napi::Env env, Napi::Object exports);
}
