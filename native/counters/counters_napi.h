#pragma once
#include <napi.h>

#include "perf_group.h"

namespace prtip {
void InitCounters(Napi::Env env, Napi::Object exports);

// Resolves names (throwing a PerfError for an unresolvable one) for other
// concerns that open groups of their own (e.g. counting a child process).
std::vector<EventSpec> ResolveEventsOrThrow(Napi::Env env, const Napi::Array& names);

// Counter descriptions for JS: [{name, kind, opened, errno, code, reason}].
Napi::Array DescribeCounters(Napi::Env env, const PerfGroup& group);
}
