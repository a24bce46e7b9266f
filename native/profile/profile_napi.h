// JS surface of the sampler: the `sample` option of spawnCounted is parsed here and its
// profile converted here, so the process concern only forwards them; maxSampleRate() is exported.
#pragma once
#include <napi.h>

#include "sampler.h"

namespace prtip {
void InitProfile(Napi::Env env, Napi::Object exports);

// options.sample = {event: string, frequencyHz: integer}: checked (names the parameter) and resolved.
SamplerRequest SamplerRequestFromJs(Napi::Env env, const Napi::Value& value, const std::string& name);

// {samples: {pid: Uint32Array, tid: Uint32Array, timeNs: Float64Array, frameBegin: Uint32Array,
//  frameCount: Uint32Array, kernelFrames: Uint32Array, frames: BigUint64Array},
//  mappings: [{pid, start, end, pgoff (bigint), filename}], comms: [{pid, tid, comm}],
//  lost, lostSamples, throttles, truncated, kernelFrames: {available, reason}}
Napi::Object ProfileToJs(Napi::Env env, const ProfileData& profile);
}  // namespace prtip
