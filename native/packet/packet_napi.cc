// JS surface of the packet concern: checksums, crafting, the native self-checks, and
// the two kernel objects the benchmarks time. Arguments are validated in TS
// (src/packet/); here only what could corrupt memory is re-checked.
#include "packet_napi.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "checksum.h"
#include "common/errors.h"
#include "craft.h"
#include "loops.h"
#include "selfcheck.h"

namespace prtip {
namespace {

constexpr int kIncrementalKernel = 4;
constexpr int kEmptyKernel = 5;

struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};
using AlignedBytes = std::unique_ptr<uint8_t, AlignedFree>;

AlignedBytes AllocateAligned(Napi::Env env, size_t bytes) {
  size_t rounded = (bytes + 63) & ~static_cast<size_t>(63);
  auto* p = static_cast<uint8_t*>(std::aligned_alloc(64, rounded == 0 ? 64 : rounded));
  if (p == nullptr) ThrowError(env, "ENOMEM", "cannot allocate " + std::to_string(bytes) + " bytes for a packet kernel", ENOMEM);
  std::memset(p, 0, rounded == 0 ? 64 : rounded);
  return AlignedBytes(p);
}

void Require(Napi::Env env, bool ok, const std::string& message) {
  if (!ok) ThrowError(env, "EINVAL", message);
}

ChecksumVariant VariantArg(Napi::Env env, const Napi::Value& value) {
  Require(env, value.IsNumber(), "checksum variant index must be a number");
  int index = value.As<Napi::Number>().Int32Value();
  Require(env, index >= 0 && index < kChecksumVariantCount, "checksum variant index out of range");
  return static_cast<ChecksumVariant>(index);
}

SumKernel KernelOrThrow(Napi::Env env, ChecksumVariant variant) {
  SumKernel kernel = ChecksumKernelFor(variant);
  if (kernel == nullptr) {
    ThrowError(env, "VARIANT_UNAVAILABLE",
               std::string("checksum variant ") + ChecksumVariantName(variant) + " needs CPU features this machine lacks");
  }
  return kernel;
}

Napi::Buffer<uint8_t> BufferArg(Napi::Env env, const Napi::Value& value, const char* what) {
  Require(env, value.IsBuffer(), std::string(what) + " must be a Buffer");
  return value.As<Napi::Buffer<uint8_t>>();
}

double NumberField(Napi::Env env, const Napi::Object& o, const char* name, double min, double max) {
  Napi::Value v = o.Get(name);
  Require(env, v.IsNumber(), std::string("packet spec field ") + name + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  Require(env, d >= min && d <= max, std::string("packet spec field ") + name + " out of range");
  return d;
}

// The spec object TS builds (every field present; see src/packet/craft.ts).
PacketSpec SpecArg(Napi::Env env, const Napi::Value& value, PacketSequence* sequence) {
  Require(env, value.IsObject(), "packet spec must be an object");
  Napi::Object o = value.As<Napi::Object>();
  PacketSpec spec;
  spec.family = static_cast<int>(NumberField(env, o, "family", 4, 6));
  Require(env, spec.family == 4 || spec.family == 6, "packet spec family must be 4 or 6");
  Napi::Value protocol = o.Get("protocol");
  Require(env, protocol.IsString(), "packet spec protocol must be a string");
  std::string p = protocol.As<Napi::String>().Utf8Value();
  Require(env, p == "tcp" || p == "udp", "packet spec protocol must be tcp or udp");
  spec.protocol = p == "tcp" ? Protocol::Tcp : Protocol::Udp;
  spec.tcp_options = o.Get("tcpOptions").ToBoolean().Value() && spec.protocol == Protocol::Tcp;
  const size_t address_length = spec.family == 6 ? 16 : 4;
  Napi::Buffer<uint8_t> src = BufferArg(env, o.Get("src"), "packet spec src");
  Napi::Buffer<uint8_t> dst = BufferArg(env, o.Get("dst"), "packet spec dst");
  Require(env, src.Length() == address_length && dst.Length() == address_length, "packet spec address length does not match family");
  std::memset(spec.src_addr, 0, sizeof spec.src_addr);
  std::memset(spec.dst_addr, 0, sizeof spec.dst_addr);
  std::memcpy(spec.src_addr, src.Data(), address_length);
  std::memcpy(spec.dst_addr, dst.Data(), address_length);
  spec.src_port = static_cast<uint16_t>(NumberField(env, o, "srcPort", 0, 65535));
  spec.window = static_cast<uint16_t>(NumberField(env, o, "window", 0, 65535));
  spec.ttl = static_cast<uint8_t>(NumberField(env, o, "ttl", 0, 255));
  if (sequence != nullptr) {
    sequence->first_dst_port = static_cast<uint16_t>(NumberField(env, o, "firstDstPort", 1, 65535));
    sequence->seq_base = static_cast<uint32_t>(NumberField(env, o, "seqBase", 0, 4294967295.0));
    sequence->seq_step = static_cast<uint32_t>(NumberField(env, o, "seqStep", 0, 4294967295.0));
  }
  return spec;
}

CraftStrategy StrategyArg(Napi::Env env, const Napi::Value& value) {
  Require(env, value.IsNumber(), "strategy index must be a number");
  int index = value.As<Napi::Number>().Int32Value();
  Require(env, index >= 0 && index <= 2, "strategy index out of range");
  return static_cast<CraftStrategy>(index);
}

Napi::Value ChecksumVariantsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, kChecksumVariantCount);
  for (int i = 0; i < kChecksumVariantCount; ++i) {
    auto variant = static_cast<ChecksumVariant>(i);
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", ChecksumVariantName(variant));
    o.Set("available", ChecksumVariantAvailable(variant));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// (buffer, variantIndex) -> folded ones'-complement sum (not inverted).
Napi::Value ChecksumSumJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> data = BufferArg(env, info[0], "data");
  SumKernel kernel = KernelOrThrow(env, VariantArg(env, info[1]));
  return Napi::Number::New(env, kernel(data.Data(), data.Length()));
}

// (oldChecksum, oldWord, newWord) -> RFC 1624 updated checksum.
Napi::Value ChecksumUpdateJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  for (int i = 0; i < 3; ++i) Require(env, info[i].IsNumber(), "checksum update arguments must be numbers");
  auto word = [&](int i) { return static_cast<uint16_t>(info[i].As<Napi::Number>().Uint32Value()); };
  return Napi::Number::New(env, ChecksumUpdate16(word(0), word(1), word(2)));
}

// (family, src, dst, protocol, l4Length) -> folded pseudo-header sum.
Napi::Value PseudoHeaderSumJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Require(env, info[0].IsNumber() && info[3].IsNumber() && info[4].IsNumber(), "pseudo header arguments must be numbers");
  int family = info[0].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> src = BufferArg(env, info[1], "src");
  Napi::Buffer<uint8_t> dst = BufferArg(env, info[2], "dst");
  size_t address_length = family == 6 ? 16 : 4;
  Require(env, (family == 4 || family == 6) && src.Length() == address_length && dst.Length() == address_length,
          "pseudo header addresses do not match the family");
  auto protocol = static_cast<uint8_t>(info[3].As<Napi::Number>().Uint32Value());
  uint32_t length = info[4].As<Napi::Number>().Uint32Value();
  uint16_t sum = family == 6 ? PseudoHeaderSumV6(src.Data(), dst.Data(), protocol, length)
                             : PseudoHeaderSumV4(src.Data(), dst.Data(), protocol, length);
  return Napi::Number::New(env, sum);
}

// (variantIndex, seed, buffers, maxLength, directChecks, deadlineMs) -> report.
Napi::Value ChecksumSelfCheckJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SumKernel kernel = KernelOrThrow(env, VariantArg(env, info[0]));
  for (int i = 1; i < 6; ++i) Require(env, info[i].IsNumber(), "self-check arguments must be numbers");
  auto num = [&](int i) { return info[i].As<Napi::Number>().DoubleValue(); };
  Require(env, num(3) >= 0 && num(3) <= 1 << 20, "self-check maxLength out of range");
  SumCheckReport r = CheckSumKernel(kernel, static_cast<uint64_t>(num(1)), static_cast<uint64_t>(num(2)),
                                    static_cast<size_t>(num(3)), static_cast<uint64_t>(num(4)),
                                    static_cast<uint64_t>(num(5) * 1e6));
  Napi::Object o = Napi::Object::New(env);
  o.Set("buffers", static_cast<double>(r.buffers));
  o.Set("bytes", static_cast<double>(r.bytes));
  o.Set("mismatches", static_cast<double>(r.mismatches));
  o.Set("referenceChecks", static_cast<double>(r.reference_checks));
  o.Set("referenceMismatches", static_cast<double>(r.reference_mismatches));
  o.Set("timedOut", r.timed_out);
  if (r.mismatches > 0) {
    Napi::Object first = Napi::Object::New(env);
    first.Set("offset", static_cast<double>(r.first_offset));
    first.Set("length", static_cast<double>(r.first_length));
    first.Set("expected", r.first_expected);
    first.Set("got", r.first_got);
    o.Set("first", first);
  }
  return o;
}

// (seed, cases, deadlineMs) -> report.
Napi::Value IncrementalSelfCheckJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  for (int i = 0; i < 3; ++i) Require(env, info[i].IsNumber(), "self-check arguments must be numbers");
  auto num = [&](int i) { return info[i].As<Napi::Number>().DoubleValue(); };
  UpdateCheckReport r = CheckIncrementalUpdate(static_cast<uint64_t>(num(0)), static_cast<uint64_t>(num(1)),
                                               static_cast<uint64_t>(num(2) * 1e6));
  Napi::Object o = Napi::Object::New(env);
  o.Set("cases", static_cast<double>(r.cases));
  o.Set("mismatches", static_cast<double>(r.mismatches));
  o.Set("timedOut", r.timed_out);
  o.Set("firstExpected", r.first_expected);
  o.Set("firstGot", r.first_got);
  return o;
}

Napi::Value PacketLengthJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(PacketLength(SpecArg(info.Env(), info[0], nullptr))));
}

// (spec, strategyIndex, count) -> Buffer of count packets back to back.
Napi::Value CraftPacketsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PacketSequence sequence;
  PacketSpec spec = SpecArg(env, info[0], &sequence);
  CraftStrategy strategy = StrategyArg(env, info[1]);
  Require(env, info[2].IsNumber(), "count must be a number");
  double count = info[2].As<Napi::Number>().DoubleValue();
  Require(env, count >= 1 && count <= 1e8, "count out of range");
  PacketTemplate tmpl(spec);
  double bytes = count * static_cast<double>(tmpl.length());
  Require(env, bytes <= 4294967295.0, "packets do not fit one Buffer");
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, static_cast<size_t>(bytes));
  try {
    CraftBatch(strategy, spec, tmpl, sequence, 0, static_cast<size_t>(count), out.Data());
  } catch (const std::bad_alloc&) {
    ThrowError(env, "ENOMEM", "the alloc strategy ran out of memory", ENOMEM);
  }
  return out;
}

Napi::Value AllocationsJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(CountedAllocations()));
}

// new ChecksumKernel(data, variantIndex | 4 incremental | 5 empty, alignOffset);
// run(iterations) -> sink. The data is copied to 64-byte-aligned memory plus alignOffset.
class ChecksumKernelJs : public Napi::ObjectWrap<ChecksumKernelJs> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ChecksumKernel", {InstanceMethod<&ChecksumKernelJs::Run>("run")});
  }

  explicit ChecksumKernelJs(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ChecksumKernelJs>(info) {
    Napi::Env env = info.Env();
    Napi::Buffer<uint8_t> data = BufferArg(env, info[0], "data");
    Require(env, info[1].IsNumber() && info[2].IsNumber(), "kernel variant and alignOffset must be numbers");
    mode_ = info[1].As<Napi::Number>().Int32Value();
    int align = info[2].As<Napi::Number>().Int32Value();
    Require(env, align >= 0 && align < 64, "alignOffset out of range");
    if (mode_ == kEmptyKernel) {
      kernel_ = SumEmpty;
    } else if (mode_ == kIncrementalKernel) {
      Require(env, data.Length() >= 2, "the incremental kernel needs at least 2 bytes");
    } else {
      kernel_ = KernelOrThrow(env, VariantArg(env, info[1]));
    }
    length_ = data.Length();
    storage_ = AllocateAligned(env, length_ + 64);
    data_ = storage_.get() + align;
    std::memcpy(data_, data.Data(), length_);
  }

 private:
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Require(env, info[0].IsNumber(), "iterations must be a number");
    double iterations = info[0].As<Napi::Number>().DoubleValue();
    Require(env, iterations >= 0 && iterations <= 1e9, "iterations out of range");
    auto n = static_cast<uint64_t>(iterations);
    uint32_t sink = mode_ == kIncrementalKernel ? RunUpdateLoop(data_, length_, n) : RunSumLoop(kernel_, data_, length_, n);
    return Napi::Number::New(env, sink);
  }

  int mode_ = 0;
  SumKernel kernel_ = nullptr;
  AlignedBytes storage_;
  uint8_t* data_ = nullptr;
  size_t length_ = 0;
};

// new CraftKernel(spec, strategyIndex, group); run(calls) crafts `group` packets per
// call into one reused batch buffer, continuing the port/seq sequence -> sink.
class CraftKernelJs : public Napi::ObjectWrap<CraftKernelJs> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CraftKernel",
                       {InstanceMethod<&CraftKernelJs::Run>("run"), InstanceMethod<&CraftKernelJs::Batch>("batch")});
  }

  explicit CraftKernelJs(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<CraftKernelJs>(info), spec_(SpecArg(info.Env(), info[0], &sequence_)), template_(spec_) {
    Napi::Env env = info.Env();
    strategy_ = StrategyArg(env, info[1]);
    Require(env, info[2].IsNumber(), "group must be a number");
    double group = info[2].As<Napi::Number>().DoubleValue();
    Require(env, group >= 1 && group <= 1e6, "group out of range");
    group_ = static_cast<size_t>(group);
    batch_ = AllocateAligned(env, group_ * template_.length());
  }

 private:
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Require(env, info[0].IsNumber(), "calls must be a number");
    double calls = info[0].As<Napi::Number>().DoubleValue();
    Require(env, calls >= 0 && calls <= 1e6, "calls out of range");
    uint32_t sink = 0;
    try {
      for (uint64_t c = 0; c < static_cast<uint64_t>(calls); ++c) {
        sink += CraftBatch(strategy_, spec_, template_, sequence_, next_index_, group_, batch_.get());
        next_index_ += group_;
      }
    } catch (const std::bad_alloc&) {
      ThrowError(env, "ENOMEM", "the alloc strategy ran out of memory", ENOMEM);
    }
    return Napi::Number::New(env, sink);
  }

  // A copy of the last batch, for checks.
  Napi::Value Batch(const Napi::CallbackInfo& info) {
    return Napi::Buffer<uint8_t>::Copy(info.Env(), batch_.get(), group_ * template_.length());
  }

  PacketSequence sequence_;
  PacketSpec spec_;
  PacketTemplate template_;
  CraftStrategy strategy_ = CraftStrategy::Template;
  size_t group_ = 1;
  uint64_t next_index_ = 0;
  AlignedBytes batch_;
};

}  // namespace

void InitPacket(Napi::Env env, Napi::Object exports) {
  exports.Set("checksumVariants", Napi::Function::New(env, ChecksumVariantsJs, "checksumVariants"));
  exports.Set("checksumSum", Napi::Function::New(env, ChecksumSumJs, "checksumSum"));
  exports.Set("checksumUpdate", Napi::Function::New(env, ChecksumUpdateJs, "checksumUpdate"));
  exports.Set("pseudoHeaderSum", Napi::Function::New(env, PseudoHeaderSumJs, "pseudoHeaderSum"));
  exports.Set("checksumSelfCheck", Napi::Function::New(env, ChecksumSelfCheckJs, "checksumSelfCheck"));
  exports.Set("incrementalSelfCheck", Napi::Function::New(env, IncrementalSelfCheckJs, "incrementalSelfCheck"));
  exports.Set("packetLength", Napi::Function::New(env, PacketLengthJs, "packetLength"));
  exports.Set("craftPackets", Napi::Function::New(env, CraftPacketsJs, "craftPackets"));
  exports.Set("craftAllocations", Napi::Function::New(env, AllocationsJs, "craftAllocations"));
  exports.Set("ChecksumKernel", ChecksumKernelJs::Define(env));
  exports.Set("CraftKernel", CraftKernelJs::Define(env));
}

}  // namespace prtip
