// JS surface of the packet concern: checksums, crafting, the native self-checks, and
// the two kernel objects the benchmarks time. Arguments are validated in TS
// (src/measure/packet/) and again here (common/args.h), since the addon can be called directly.
#include "packet_napi.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "checksum.h"
#include "common/args.h"
#include "common/errors.h"
#include "common/tagged_class.h"
#include "craft.h"
#include "loops.h"
#include "reference.h"
#include "valgrind/valgrind.h"
#include "selfcheck.h"

namespace prtip {

using namespace args;  // common/args.h
namespace {

constexpr int kIncrementalKernel = 4;
constexpr int kEmptyKernel = 5;
constexpr int kReferenceKernel = 6;  // ReferenceChecksumSum: the plain C loop the variants are judged against

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

// Largest buffer a kernel object copies (as checksum() in TS: 1 GiB).
constexpr size_t kMaxKernelBytes = size_t{1} << 30;
constexpr double kMaxSafeInteger = 9007199254740991.0;
constexpr double kMaxDeadlineMs = 3.6e6;

ChecksumVariant VariantArg(const Napi::Value& value, const std::string& name) {
  return static_cast<ChecksumVariant>(IntegerArg(value, name, 0, kChecksumVariantCount - 1));
}

SumKernel KernelOrThrow(Napi::Env env, ChecksumVariant variant) {
  SumKernel kernel = ChecksumKernelFor(variant);
  if (kernel == nullptr) {
    ThrowError(env, "VARIANT_UNAVAILABLE",
               std::string("checksum variant ") + ChecksumVariantName(variant) + " needs CPU features this machine lacks");
  }
  return kernel;
}

double SpecInteger(const Napi::Object& o, const char* key, const std::string& param, double min, double max) {
  return IntegerArg(FieldOf(o, key, param), param + "." + key, min, max);
}

// tcpOptions: false / undefined (none), true (MSS + WS + SACK permitted) or "mss" (MSS alone).
TcpOptions TcpOptionsArg(const Napi::Value& value, const std::string& name) {
  if (value.IsString() && value.As<Napi::String>().Utf8Value() == "mss") return TcpOptions::Mss;
  if (value.IsUndefined() || value.IsBoolean()) return OptionalBooleanArg(value, name, false) ? TcpOptions::MssWsSack : TcpOptions::None;
  if (value.IsString()) ThrowRangeError(value.Env(), name + " must be a boolean or \"mss\", got " + DescribeValue(value));
  ThrowTypeError(value.Env(), name + " must be a boolean or \"mss\", got " + DescribeValue(value));
}

// The spec object TS builds (every field present; see src/measure/packet/craft.ts). param names it in messages.
PacketSpec SpecArg(const Napi::Value& value, const std::string& param, PacketSequence* sequence) {
  Napi::Env env = value.Env();
  Napi::Object o = ObjectArg(value, param);
  PacketSpec spec;
  spec.family = static_cast<int>(SpecInteger(o, "family", param, 4, 6));
  if (spec.family != 4 && spec.family != 6) ThrowRangeError(env, param + ".family must be 4 or 6, got the number 5");
  std::string p = StringArg(FieldOf(o, "protocol", param), param + ".protocol", 16);
  if (p != "tcp" && p != "udp") ThrowRangeError(env, param + ".protocol must be \"tcp\" or \"udp\", got the string \"" + p + "\"");
  spec.protocol = p == "tcp" ? Protocol::Tcp : Protocol::Udp;
  spec.tcp_options = TcpOptionsArg(FieldOf(o, "tcpOptions", param), param + ".tcpOptions");
  if (spec.tcp_options != TcpOptions::None && spec.protocol != Protocol::Tcp) ThrowRangeError(env, param + ".tcpOptions applies to TCP only, got protocol \"udp\"");
  const size_t address_length = spec.family == 6 ? 16 : 4;
  ByteView src = BufferArg(FieldOf(o, "src", param), param + ".src");
  ByteView dst = BufferArg(FieldOf(o, "dst", param), param + ".dst");
  if (src.length != address_length || dst.length != address_length) {
    ThrowRangeError(env, param + ".src and " + param + ".dst must be " + std::to_string(address_length) + "-byte addresses for family " +
                             std::to_string(spec.family) + ", got " + std::to_string(src.length) + " and " + std::to_string(dst.length) + " bytes");
  }
  std::memset(spec.src_addr, 0, sizeof spec.src_addr);
  std::memset(spec.dst_addr, 0, sizeof spec.dst_addr);
  std::memcpy(spec.src_addr, src.data, address_length);
  std::memcpy(spec.dst_addr, dst.data, address_length);
  spec.src_port = static_cast<uint16_t>(SpecInteger(o, "srcPort", param, 0, 65535));
  spec.window = static_cast<uint16_t>(SpecInteger(o, "window", param, 0, 65535));
  spec.ttl = static_cast<uint8_t>(SpecInteger(o, "ttl", param, 0, 255));
  if (sequence != nullptr) {
    sequence->first_dst_port = static_cast<uint16_t>(SpecInteger(o, "firstDstPort", param, 1, 65535));
    sequence->seq_base = static_cast<uint32_t>(SpecInteger(o, "seqBase", param, 0, 4294967295.0));
    sequence->seq_step = static_cast<uint32_t>(SpecInteger(o, "seqStep", param, 0, 4294967295.0));
  }
  return spec;
}

CraftStrategy StrategyArg(const Napi::Value& value, const std::string& name) {
  return static_cast<CraftStrategy>(IntegerArg(value, name, 0, 2));
}

Napi::Value ChecksumVariantsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ExpectNoArguments(info, "checksumVariants");
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
  ByteView data = BufferArg(info[0], "checksumSum: data");
  SumKernel kernel = KernelOrThrow(env, VariantArg(info[1], "checksumSum: variantIndex"));
  return Napi::Number::New(env, kernel(data.data, data.length));
}

// (oldChecksum, oldWord, newWord) -> RFC 1624 updated checksum.
Napi::Value ChecksumUpdateJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  static const char* const kNames[] = {"checksumUpdate: oldChecksum", "checksumUpdate: oldWord", "checksumUpdate: newWord"};
  uint16_t word[3];
  for (int i = 0; i < 3; ++i) word[i] = static_cast<uint16_t>(IntegerArg(info[i], kNames[i], 0, 0xffff));
  return Napi::Number::New(env, ChecksumUpdate16(word[0], word[1], word[2]));
}

// (family, src, dst, protocol, l4Length) -> folded pseudo-header sum.
Napi::Value PseudoHeaderSumJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto family = static_cast<int>(IntegerArg(info[0], "pseudoHeaderSum: family", 4, 6));
  if (family == 5) ThrowRangeError(env, "pseudoHeaderSum: family must be 4 or 6, got the number 5");
  size_t address_length = family == 6 ? 16 : 4;
  ByteView src = BufferArg(info[1], "pseudoHeaderSum: src");
  if (src.length != address_length) {
    ThrowRangeError(env, "pseudoHeaderSum: src must hold " + std::to_string(address_length) + " bytes for family " +
                             std::to_string(family) + ", got " + DescribeValue(info[1]));
  }
  ByteView dst = BufferArg(info[2], "pseudoHeaderSum: dst");
  if (dst.length != address_length) {
    ThrowRangeError(env, "pseudoHeaderSum: dst must hold " + std::to_string(address_length) + " bytes for family " +
                             std::to_string(family) + ", got " + DescribeValue(info[2]));
  }
  auto protocol = static_cast<uint8_t>(IntegerArg(info[3], "pseudoHeaderSum: protocol", 0, 255));
  auto length = static_cast<uint32_t>(IntegerArg(info[4], "pseudoHeaderSum: l4Length", 0, 4294967295.0));
  uint16_t sum = family == 6 ? PseudoHeaderSumV6(src.data, dst.data, protocol, length)
                             : PseudoHeaderSumV4(src.data, dst.data, protocol, length);
  return Napi::Number::New(env, sum);
}

// (variantIndex, seed, buffers, maxLength, directChecks, deadlineMs) -> report.
Napi::Value ChecksumSelfCheckJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ChecksumVariant variant = VariantArg(info[0], "checksumSelfCheck: variantIndex");
  auto seed = static_cast<uint64_t>(IntegerArg(info[1], "checksumSelfCheck: seed", 0, kMaxSafeInteger));
  auto buffers = static_cast<uint64_t>(IntegerArg(info[2], "checksumSelfCheck: buffers", 0, 1e8));
  auto max_length = static_cast<size_t>(IntegerArg(info[3], "checksumSelfCheck: maxLength", 0, 1 << 20));
  auto direct = static_cast<uint64_t>(IntegerArg(info[4], "checksumSelfCheck: directChecks", 0, 1e8));
  auto deadline_ms = static_cast<uint64_t>(IntegerArg(info[5], "checksumSelfCheck: deadlineMs", 1, kMaxDeadlineMs));
  SumKernel kernel = KernelOrThrow(env, variant);
  SumCheckReport r = CheckSumKernel(kernel, seed, buffers, max_length, direct, deadline_ms * 1000000);
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
  auto seed = static_cast<uint64_t>(IntegerArg(info[0], "incrementalSelfCheck: seed", 0, kMaxSafeInteger));
  auto cases = static_cast<uint64_t>(IntegerArg(info[1], "incrementalSelfCheck: cases", 0, 1e9));
  auto deadline_ms = static_cast<uint64_t>(IntegerArg(info[2], "incrementalSelfCheck: deadlineMs", 1, kMaxDeadlineMs));
  UpdateCheckReport r = CheckIncrementalUpdate(seed, cases, deadline_ms * 1000000);
  Napi::Object o = Napi::Object::New(env);
  o.Set("cases", static_cast<double>(r.cases));
  o.Set("mismatches", static_cast<double>(r.mismatches));
  o.Set("timedOut", r.timed_out);
  o.Set("firstExpected", r.first_expected);
  o.Set("firstGot", r.first_got);
  return o;
}

Napi::Value PacketLengthJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(PacketLength(SpecArg(info[0], "packetLength: spec", nullptr))));
}

// (spec, strategyIndex, count) -> Buffer of count packets back to back.
Napi::Value CraftPacketsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PacketSequence sequence;
  PacketSpec spec = SpecArg(info[0], "craftPackets: spec", &sequence);
  CraftStrategy strategy = StrategyArg(info[1], "craftPackets: strategyIndex");
  double count = IntegerArg(info[2], "craftPackets: count", 1, 1e8);
  PacketTemplate tmpl(spec);
  double bytes = count * static_cast<double>(tmpl.length());
  // buffer.constants.MAX_LENGTH is 2^32 on Node 20 (64-bit) and larger later: 2^32 - 1 fits every version.
  const double limit = 4294967295.0;
  if (bytes > limit) {
    ThrowRangeError(env, "craftPackets: count must be at most " + std::to_string(static_cast<uint64_t>(limit / tmpl.length())) + " for " +
                             std::to_string(tmpl.length()) + "-byte packets (one Buffer), got " + DescribeValue(info[2]));
  }
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, static_cast<size_t>(bytes));
  try {
    CraftBatch(strategy, spec, tmpl, sequence, 0, static_cast<size_t>(count), out.Data());
  } catch (const std::bad_alloc&) {
    ThrowError(env, "ENOMEM", "the alloc strategy ran out of memory", ENOMEM);
  }
  return out;
}

Napi::Value AllocationsJs(const Napi::CallbackInfo& info) {
  ExpectNoArguments(info, "craftAllocations");
  return Napi::Number::New(info.Env(), static_cast<double>(CountedAllocations()));
}

// new ChecksumKernel(data, variantIndex | 4 incremental | 5 empty, alignOffset);
// run(iterations) -> sink. The data is copied to 64-byte-aligned memory plus alignOffset.
class ChecksumKernelJs : public Napi::ObjectWrap<ChecksumKernelJs> {
 public:
  static constexpr napi_type_tag kTypeTag = {0x2f4a9d3c8e1b4f72ull, 0x91d0c6ab35e87f14ull};
  static constexpr const char* kClassName = "ChecksumKernel";

  static Napi::Function Define(Napi::Env env) {
    return DefineTaggedClass<ChecksumKernelJs>(env, {TaggedMethod<ChecksumKernelJs, &ChecksumKernelJs::Run>("run")});
  }

  explicit ChecksumKernelJs(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ChecksumKernelJs>(info) {
    Napi::Env env = info.Env();
    ByteView data = BufferArg(info[0], "ChecksumKernel: data", kMaxKernelBytes);
    mode_ = static_cast<int>(IntegerArg(info[1], "ChecksumKernel: mode", 0, kReferenceKernel));
    auto align = static_cast<size_t>(IntegerArg(info[2], "ChecksumKernel: alignOffset", 0, 63));
    if (mode_ == kEmptyKernel) {
      kernel_ = SumEmpty;
    } else if (mode_ == kReferenceKernel) {
      kernel_ = ReferenceChecksumSum;
    } else if (mode_ == kIncrementalKernel) {
      if (data.length < 2) {
        ThrowRangeError(env, "ChecksumKernel: data must hold at least 2 bytes for the incremental kernel, got " + DescribeValue(info[0]));
      }
    } else {
      kernel_ = KernelOrThrow(env, static_cast<ChecksumVariant>(mode_));
    }
    length_ = data.length;
    storage_ = AllocateAligned(env, length_ + 64);
    data_ = storage_.get() + align;
    if (length_ > 0) std::memcpy(data_, data.data, length_);
    TagInstance(info, kTypeTag);
  }

 private:
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto n = static_cast<uint64_t>(IntegerArg(info[0], "ChecksumKernel.prototype.run: iterations", 0, 1e9));
    uint32_t sink;
    {
      MeasuredBlock counted;  // callgrind backend: exactly this loop (valgrind/valgrind.h)
      sink = mode_ == kIncrementalKernel ? RunUpdateLoop(data_, length_, n) : RunSumLoop(kernel_, data_, length_, n);
    }
    return Napi::Number::New(env, sink);
  }

  int mode_ = 0;
  SumKernel kernel_ = nullptr;
  AlignedBytes storage_;
  uint8_t* data_ = nullptr;
  size_t length_ = 0;
};

// new CraftKernel(spec, strategyIndex, group, oneSlot?, reference?); run(calls) crafts
// `group` packets per call into one reused batch buffer (consecutive slots, or all into
// its first slot when oneSlot), continuing the port/seq sequence -> sink. reference runs
// the plain C loop of the strategy (reference.h; IPv4 SYN without options, template or
// reuse) instead of ours, on the same spec and sequence.
class CraftKernelJs : public Napi::ObjectWrap<CraftKernelJs> {
 public:
  static constexpr napi_type_tag kTypeTag = {0x5c83e1f07a2d4b96ull, 0xe6b12f9d4c0a7358ull};
  static constexpr const char* kClassName = "CraftKernel";

  static Napi::Function Define(Napi::Env env) {
    return DefineTaggedClass<CraftKernelJs>(env,
                       {TaggedMethod<CraftKernelJs, &CraftKernelJs::Run>("run"),
                        TaggedMethod<CraftKernelJs, &CraftKernelJs::Batch>("batch")});
  }

  explicit CraftKernelJs(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<CraftKernelJs>(info), spec_(SpecArg(info[0], "CraftKernel: spec", &sequence_)), template_(spec_) {
    Napi::Env env = info.Env();
    strategy_ = StrategyArg(info[1], "CraftKernel: strategyIndex");
    group_ = static_cast<size_t>(IntegerArg(info[2], "CraftKernel: group", 1, 1e6));
    one_slot_ = OptionalBooleanArg(info[3], "CraftKernel: oneSlot", false);
    reference_ = OptionalBooleanArg(info[4], "CraftKernel: reference", false);
    if (reference_) {
      if (!ReferenceSupports(spec_)) {
        ThrowRangeError(env, "CraftKernel: the reference loops build the IPv4 TCP SYN without options only, got a spec of family " +
                                 std::to_string(spec_.family) + (spec_.protocol == Protocol::Tcp ? " tcp" : " udp") +
                                 (spec_.tcp_options == TcpOptions::None ? "" : " with options"));
      }
      if (strategy_ == CraftStrategy::Alloc) ThrowRangeError(env, "CraftKernel: a reference loop exists for the template and reuse strategies, got alloc");
      reference_syn_ = MakeReferenceSyn(spec_);
    }
    batch_ = AllocateAligned(env, group_ * template_.length());
    TagInstance(info, kTypeTag);
  }

 private:
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto calls = static_cast<uint64_t>(IntegerArg(info[0], "CraftKernel.prototype.run: calls", 0, 1e6));
    uint32_t sink = 0;
    try {
      MeasuredBlock counted;  // callgrind backend: exactly this loop (valgrind/valgrind.h)
      for (uint64_t c = 0; c < calls; ++c) {
        sink += reference_ ? RunReference() : CraftBatch(strategy_, spec_, template_, sequence_, next_index_, group_, batch_.get(), one_slot_);
        next_index_ += group_;
      }
    } catch (const std::bad_alloc&) {
      ThrowError(env, "ENOMEM", "the alloc strategy ran out of memory", ENOMEM);
    }
    return Napi::Number::New(env, sink);
  }

  uint32_t RunReference() {
    const size_t stride = one_slot_ ? 0 : template_.length();
    return strategy_ == CraftStrategy::Template
               ? ReferenceTemplateLoop(reference_syn_, sequence_, next_index_, group_, stride, batch_.get())
               : ReferenceReuseLoop(spec_, sequence_, next_index_, group_, stride, batch_.get());
  }

  // A copy of the last batch, for checks.
  Napi::Value Batch(const Napi::CallbackInfo& info) {
    ExpectNoArguments(info, "CraftKernel.prototype.batch");
    return Napi::Buffer<uint8_t>::Copy(info.Env(), batch_.get(), group_ * template_.length());
  }

  PacketSequence sequence_;
  PacketSpec spec_;
  PacketTemplate template_;
  CraftStrategy strategy_ = CraftStrategy::Template;
  size_t group_ = 1;
  bool one_slot_ = false;
  bool reference_ = false;
  ReferenceSyn reference_syn_{};
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
