#include "craft.h"

#include <cstring>

#include "timing/clock.h"

namespace prtip {
namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr size_t kIpv4Header = 20;
constexpr size_t kIpv6Header = 40;
constexpr size_t kTcpHeader = 20;
constexpr size_t kTcpMssOption = 4;         // MSS(4)
constexpr size_t kTcpMssWsSackOptions = 12;  // MSS(4) NOP(1) WS(3) SACK-permitted(2) NOP NOP
constexpr size_t kUdpHeader = 8;
constexpr size_t kProRtIpVecCapacity = 1500;  // Vec::with_capacity(1500) in the old builder
constexpr uint16_t kIpv4Id = 0x1234;          // fixed: nothing but port and seq varies

inline void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

size_t IpHeaderLength(const PacketSpec& spec) { return spec.family == 6 ? kIpv6Header : kIpv4Header; }

size_t L4Length(const PacketSpec& spec) {
  if (spec.protocol == Protocol::Udp) return kUdpHeader;
  switch (spec.tcp_options) {
    case TcpOptions::None: return kTcpHeader;
    case TcpOptions::Mss: return kTcpHeader + kTcpMssOption;
    case TcpOptions::MssWsSack: return kTcpHeader + kTcpMssWsSackOptions;
  }
  return kTcpHeader;
}

uint8_t ProtocolNumber(const PacketSpec& spec) { return spec.protocol == Protocol::Tcp ? kTcp : kUdp; }

uint16_t PseudoSum(const PacketSpec& spec) {
  uint32_t l4 = static_cast<uint32_t>(L4Length(spec));
  return spec.family == 6 ? PseudoHeaderSumV6(spec.src_addr, spec.dst_addr, ProtocolNumber(spec), l4)
                          : PseudoHeaderSumV4(spec.src_addr, spec.dst_addr, ProtocolNumber(spec), l4);
}

}  // namespace

size_t PacketLength(const PacketSpec& spec) { return IpHeaderLength(spec) + L4Length(spec); }

namespace {

// A packet's shape fixed at compile time: lengths and offsets become constants, so the
// copies are a few vector moves, not memcpy calls with a run-time length, and the
// header sums unroll (PacketWords). Every (family, protocol, options) has its own length.
template <int Family, Protocol P, TcpOptions O>
struct Layout {
  static constexpr bool kTcp = P == Protocol::Tcp;
  static constexpr size_t kIp = Family == 6 ? kIpv6Header : kIpv4Header;
  static constexpr size_t kL4 = !kTcp ? kUdpHeader
                              : O == TcpOptions::None ? kTcpHeader
                              : O == TcpOptions::Mss  ? kTcpHeader + kTcpMssOption
                                                      : kTcpHeader + kTcpMssWsSackOptions;
  static constexpr size_t kLength = kIp + kL4;
  static constexpr size_t kChecksumAt = kIp + (kTcp ? 16 : 6);
};

// A packet of N bytes built in registers: native (little-endian) 64-bit words, every
// field OR-ed in at its constant offset, stored once at the end. The checksums are summed
// from these words, not read back from memory: a load spanning several narrower stores
// cannot be forwarded from the store buffer and stalls until they retire (measured:
// reading the header back through 8-byte loads made this builder 3x the plain C loop).
template <size_t N>
struct PacketWords {
  static_assert(N % 4 == 0, "headers are whole 32-bit words");
  uint64_t w[(N + 7) / 8] = {};

  void Byte(size_t at, uint8_t v) { w[at / 8] |= static_cast<uint64_t>(v) << (8 * (at % 8)); }
  void Be16(size_t at, uint16_t v) { Byte(at, static_cast<uint8_t>(v >> 8)), Byte(at + 1, static_cast<uint8_t>(v)); }
  void Be32(size_t at, uint32_t v) { Be16(at, static_cast<uint16_t>(v >> 16)), Be16(at + 2, static_cast<uint16_t>(v)); }
  // Four bytes as they are in memory (an address), at a 4-byte-aligned offset.
  void Raw32(size_t at, const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    w[at / 8] |= static_cast<uint64_t>(v) << (8 * (at % 8));
  }
  // The 32-bit little-endian chunks of bytes [from, to) added up (no carry: < 2^38).
  // Folded and byte-swapped, this is the big-endian ones'-complement sum (RFC 1071 §2(B)).
  uint64_t Sum(size_t from, size_t to) const {
    uint64_t total = 0;
#pragma GCC unroll 32
    for (size_t at = from; at < to; at += 4) total += (w[at / 8] >> (8 * (at % 8))) & 0xFFFFFFFFu;
    return total;
  }
  void Store(uint8_t* out) const { std::memcpy(out, w, N); }
};

inline uint16_t ByteSwap16(uint16_t v) { return static_cast<uint16_t>(v >> 8 | v << 8); }
inline uint32_t ByteSwap32(uint32_t v) { return __builtin_bswap32(v); }

// Builds the packet in out and returns its L4 checksum (as written).
template <typename L>
inline __attribute__((always_inline)) uint16_t BuildFixed(const PacketSpec& spec, uint8_t* out, uint16_t dst_port, uint32_t seq) {
  PacketWords<L::kLength> p;
  const uint8_t protocol = L::kTcp ? kTcp : kUdp;
  const size_t l4 = L::kIp;
  uint64_t pseudo;  // little-endian chunk sum of the pseudo header
  if constexpr (L::kIp == kIpv6Header) {
    p.Be32(0, 6u << 28);  // version 6, traffic class 0, flow label 0
    p.Be16(4, static_cast<uint16_t>(L::kL4));
    p.Byte(6, protocol);
    p.Byte(7, spec.ttl);
#pragma GCC unroll 4
    for (size_t i = 0; i < 16; i += 4) p.Raw32(8 + i, spec.src_addr + i), p.Raw32(24 + i, spec.dst_addr + i);
    // RFC 8200 §8.1: addresses, 32-bit upper-layer length, three zero bytes and next header.
    pseudo = p.Sum(8, 40) + ByteSwap32(static_cast<uint32_t>(L::kL4)) + ByteSwap32(protocol);
  } else {
    p.Byte(0, 0x45);  // version 4, 5 words
    p.Be16(2, static_cast<uint16_t>(L::kLength));
    p.Be16(4, kIpv4Id);
    p.Be16(6, 0x4000);  // DF
    p.Byte(8, spec.ttl);
    p.Byte(9, protocol);
    p.Raw32(12, spec.src_addr);
    p.Raw32(16, spec.dst_addr);
    p.Be16(10, static_cast<uint16_t>(~ByteSwap16(Fold64(p.Sum(0, kIpv4Header)))));
    pseudo = p.Sum(12, 20) + ByteSwap16(protocol) + ByteSwap16(static_cast<uint16_t>(L::kL4));
  }

  p.Be16(l4, spec.src_port);
  p.Be16(l4 + 2, dst_port);
  if constexpr (L::kTcp) {
    p.Be32(l4 + 4, seq);
    // ack 0
    p.Byte(l4 + 12, static_cast<uint8_t>((L::kL4 / 4) << 4));
    p.Byte(l4 + 13, 0x02);  // SYN
    p.Be16(l4 + 14, spec.window);
    // checksum (16) and urgent pointer (18) 0
    const size_t o = l4 + kTcpHeader;
    if constexpr (L::kL4 > kTcpHeader) {
      p.Byte(o, 2), p.Byte(o + 1, 4), p.Be16(o + 2, 1460);  // MSS 1460: 4 bytes, already on a 4-byte boundary
    }
    if constexpr (L::kL4 == kTcpHeader + kTcpMssWsSackOptions) {
      p.Byte(o + 4, 1);                                    // NOP
      p.Byte(o + 5, 3), p.Byte(o + 6, 3), p.Byte(o + 7, 7);  // window scale 7
      p.Byte(o + 8, 4), p.Byte(o + 9, 2);                    // SACK permitted
      p.Byte(o + 10, 1), p.Byte(o + 11, 1);                  // NOP NOP: pad to a 4-byte boundary
    }
  } else {
    p.Be16(l4 + 4, static_cast<uint16_t>(L::kL4));
    // checksum 0
  }
  uint16_t checksum = static_cast<uint16_t>(~ByteSwap16(Fold64(pseudo + p.Sum(l4, L::kLength))));
  if (!L::kTcp && checksum == 0) checksum = 0xFFFF;  // UDP's zero is "no checksum" (RFC 768)
  p.Be16(L::kChecksumAt, checksum);
  p.Store(out);
  return checksum;
}

// Calls f(Layout<...>{}) for the spec's shape: the one switch, outside every per-packet loop.
template <typename F>
decltype(auto) WithLayout(const PacketSpec& spec, F&& f) {
  const bool v6 = spec.family == 6;
  if (spec.protocol == Protocol::Udp) return v6 ? f(Layout<6, Protocol::Udp, TcpOptions::None>{}) : f(Layout<4, Protocol::Udp, TcpOptions::None>{});
  switch (spec.tcp_options) {
    case TcpOptions::Mss: return v6 ? f(Layout<6, Protocol::Tcp, TcpOptions::Mss>{}) : f(Layout<4, Protocol::Tcp, TcpOptions::Mss>{});
    case TcpOptions::MssWsSack: return v6 ? f(Layout<6, Protocol::Tcp, TcpOptions::MssWsSack>{}) : f(Layout<4, Protocol::Tcp, TcpOptions::MssWsSack>{});
    case TcpOptions::None: break;
  }
  return v6 ? f(Layout<6, Protocol::Tcp, TcpOptions::None>{}) : f(Layout<4, Protocol::Tcp, TcpOptions::None>{});
}

}  // namespace

size_t BuildPacket(const PacketSpec& spec, uint8_t* out, uint16_t dst_port, uint32_t seq) {
  return WithLayout(spec, [&](auto layout) {
    using L = decltype(layout);
    BuildFixed<L>(spec, out, dst_port, seq);
    return L::kLength;
  });
}

PacketTemplate::PacketTemplate(const PacketSpec& spec) : spec_(spec) {
  tcp_ = spec.protocol == Protocol::Tcp;
  length_ = BuildPacket(spec, bytes_, 0, 0);
  l4_offset_ = IpHeaderLength(spec);
  // With port and seq zero, the sum of everything else: pseudo header plus the L4
  // header with its checksum field zeroed.
  uint8_t l4[kMaxPacketLength];
  const size_t l4_length = length_ - l4_offset_;
  std::memcpy(l4, bytes_ + l4_offset_, l4_length);
  Put16(l4 + (tcp_ ? 16 : 6), 0);
  l4_partial_sum_ = AddSums(PseudoSum(spec), SumWide64(l4, l4_length));
}

namespace {

// RFC 1624 eqn. 3 from the template, whose varying fields were zero:
// HC' = ~(~HC + m'). Every term is below 2^16, so the sum fits 32 bits and folds once.
template <typename L>
inline uint16_t EmitFixed(const uint8_t* bytes, uint32_t partial_sum, uint8_t* out, uint16_t dst_port, uint32_t seq) {
  std::memcpy(out, bytes, L::kLength);  // constant length: inline vector moves
  uint8_t* l4 = out + L::kIp;
  Put16(l4 + 2, dst_port);
  uint32_t sum = partial_sum + dst_port;
  if constexpr (L::kTcp) {
    Put32(l4 + 4, seq);
    sum += (seq >> 16) + (seq & 0xFFFF);
  }
  uint16_t checksum = static_cast<uint16_t>(~Fold32(sum));
  if (!L::kTcp && checksum == 0) checksum = 0xFFFF;  // UDP's zero is "no checksum" (RFC 768)
  Put16(out + L::kChecksumAt, checksum);
  return checksum;
}

}  // namespace

uint16_t PacketTemplate::Emit(uint8_t* out, uint16_t dst_port, uint32_t seq) const {
  return WithLayout(spec_, [&](auto layout) { return EmitFixed<decltype(layout)>(bytes_, l4_partial_sum_, out, dst_port, seq); });
}

namespace {

// One loop per strategy and shape, so neither choice is inside the per-packet loop.
// stride is the slot size (consecutive slots) or 0 (every packet into one reused slot).
// The sink adds each packet's checksum from the register it was computed in: reading
// it back from the slot would put a store-to-load round trip into every iteration.
template <CraftStrategy S, typename L>
uint32_t CraftLoop(const PacketSpec& spec, const PacketTemplate& tmpl, const PacketSequence& sequence,
                   uint64_t first_index, size_t count, size_t stride, uint8_t* out) {
  const uint8_t* bytes = tmpl.bytes();
  const uint32_t partial_sum = tmpl.partial_sum();
  uint16_t port = DstPortAt(sequence, first_index);
  uint32_t seq = SeqAt(sequence, first_index);
  const uint32_t step = sequence.seq_step;
  uint32_t sink = 0;
  uint8_t* slot = out;
  for (size_t k = 0; k < count; ++k, slot += stride) {
    uint16_t checksum;
    if constexpr (S == CraftStrategy::Alloc) {
      auto* block = static_cast<uint8_t*>(CountedAllocate(kProRtIpVecCapacity));
      checksum = BuildFixed<L>(spec, block, port, seq);
      std::memcpy(slot, block, L::kLength);
      CountedFree(block);
    } else if constexpr (S == CraftStrategy::Reuse) {
      checksum = BuildFixed<L>(spec, slot, port, seq);
    } else {
      checksum = EmitFixed<L>(bytes, partial_sum, slot, port, seq);
    }
    sink += checksum;
    port = port == 65535 ? 1 : static_cast<uint16_t>(port + 1);
    seq += step;
  }
  DoNotOptimize(out);
  return sink;
}

template <CraftStrategy S>
uint32_t CraftShaped(const PacketSpec& spec, const PacketTemplate& tmpl, const PacketSequence& sequence,
                     uint64_t first_index, size_t count, size_t stride, uint8_t* out) {
  return WithLayout(spec, [&](auto layout) {
    return CraftLoop<S, decltype(layout)>(spec, tmpl, sequence, first_index, count, stride, out);
  });
}

}  // namespace

uint32_t CraftBatch(CraftStrategy strategy, const PacketSpec& spec, const PacketTemplate& tmpl,
                    const PacketSequence& sequence, uint64_t first_index, size_t count, uint8_t* out, bool one_slot) {
  const size_t stride = one_slot ? 0 : tmpl.length();
  switch (strategy) {
    case CraftStrategy::Alloc: return CraftShaped<CraftStrategy::Alloc>(spec, tmpl, sequence, first_index, count, stride, out);
    case CraftStrategy::Reuse: return CraftShaped<CraftStrategy::Reuse>(spec, tmpl, sequence, first_index, count, stride, out);
    case CraftStrategy::Template: return CraftShaped<CraftStrategy::Template>(spec, tmpl, sequence, first_index, count, stride, out);
  }
  return 0;
}

}  // namespace prtip
