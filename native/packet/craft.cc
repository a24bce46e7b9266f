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

// The L4 checksum as sent: ~sum, with UDP's zero written as 0xFFFF (RFC 768).
inline uint16_t FinishL4Checksum(const PacketSpec& spec, uint16_t folded_sum) {
  uint16_t checksum = static_cast<uint16_t>(~folded_sum);
  if (checksum == 0 && spec.protocol == Protocol::Udp) checksum = 0xFFFF;
  return checksum;
}

}  // namespace

size_t PacketLength(const PacketSpec& spec) { return IpHeaderLength(spec) + L4Length(spec); }

size_t BuildPacket(const PacketSpec& spec, uint8_t* out, uint16_t dst_port, uint32_t seq) {
  const size_t l4_length = L4Length(spec);
  const size_t ip_length = IpHeaderLength(spec);
  uint8_t* ip = out;
  uint8_t* l4 = out + ip_length;

  if (spec.family == 6) {
    Put32(ip, 6u << 28);  // version 6, traffic class 0, flow label 0
    Put16(ip + 4, static_cast<uint16_t>(l4_length));
    ip[6] = ProtocolNumber(spec);
    ip[7] = spec.ttl;
    std::memcpy(ip + 8, spec.src_addr, 16);
    std::memcpy(ip + 24, spec.dst_addr, 16);
  } else {
    ip[0] = 0x45;  // version 4, 5 words
    ip[1] = 0;
    Put16(ip + 2, static_cast<uint16_t>(ip_length + l4_length));
    Put16(ip + 4, kIpv4Id);
    Put16(ip + 6, 0x4000);  // DF
    ip[8] = spec.ttl;
    ip[9] = ProtocolNumber(spec);
    Put16(ip + 10, 0);
    std::memcpy(ip + 12, spec.src_addr, 4);
    std::memcpy(ip + 16, spec.dst_addr, 4);
    Put16(ip + 10, static_cast<uint16_t>(~SumWide64(ip, kIpv4Header)));
  }

  Put16(l4, spec.src_port);
  Put16(l4 + 2, dst_port);
  size_t checksum_at;
  if (spec.protocol == Protocol::Tcp) {
    Put32(l4 + 4, seq);
    Put32(l4 + 8, 0);  // ack
    l4[12] = static_cast<uint8_t>((l4_length / 4) << 4);
    l4[13] = 0x02;  // SYN
    Put16(l4 + 14, spec.window);
    Put16(l4 + 16, 0);
    Put16(l4 + 18, 0);  // urgent pointer
    uint8_t* o = l4 + kTcpHeader;
    if (spec.tcp_options != TcpOptions::None) {
      o[0] = 2, o[1] = 4, Put16(o + 2, 1460);  // MSS 1460: 4 bytes, already on a 4-byte boundary
    }
    if (spec.tcp_options == TcpOptions::MssWsSack) {
      o[4] = 1;                                // NOP
      o[5] = 3, o[6] = 3, o[7] = 7;            // window scale 7
      o[8] = 4, o[9] = 2;                      // SACK permitted
      o[10] = 1, o[11] = 1;                    // NOP NOP: pad to a 4-byte boundary
    }
    checksum_at = 16;
  } else {
    Put16(l4 + 4, static_cast<uint16_t>(l4_length));
    Put16(l4 + 6, 0);
    checksum_at = 6;
  }
  uint16_t sum = AddSums(PseudoSum(spec), SumWide64(l4, l4_length));
  Put16(l4 + checksum_at, FinishL4Checksum(spec, sum));
  return ip_length + l4_length;
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

void PacketTemplate::Emit(uint8_t* out, uint16_t dst_port, uint32_t seq) const {
  std::memcpy(out, bytes_, length_);
  uint8_t* l4 = out + l4_offset_;
  Put16(l4 + 2, dst_port);
  // RFC 1624 eqn. 3 from the template, whose varying fields were zero:
  // HC' = ~(~HC + m'), summed in 64 bits and folded once.
  uint64_t sum = l4_partial_sum_ + static_cast<uint64_t>(dst_port);
  if (tcp_) {
    Put32(l4 + 4, seq);
    sum += (seq >> 16) + (seq & 0xFFFF);
    Put16(l4 + 16, static_cast<uint16_t>(~Fold64(sum)));
  } else {
    Put16(l4 + 6, FinishL4Checksum(spec_, Fold64(sum)));
  }
}

namespace {

// One loop per strategy, so the strategy choice is outside the per-packet loop.
template <CraftStrategy S>
uint32_t CraftLoop(const PacketSpec& spec, const PacketTemplate& tmpl, const PacketSequence& sequence,
                   uint64_t first_index, size_t count, uint8_t* out) {
  const size_t length = tmpl.length();
  const size_t checksum_at = (spec.family == 6 ? kIpv6Header : kIpv4Header) + (spec.protocol == Protocol::Tcp ? 16 : 6);
  uint16_t port = DstPortAt(sequence, first_index);
  uint32_t seq = SeqAt(sequence, first_index);
  uint32_t sink = 0;
  for (size_t k = 0; k < count; ++k) {
    uint8_t* slot = out + k * length;
    if constexpr (S == CraftStrategy::Alloc) {
      auto* block = static_cast<uint8_t*>(CountedAllocate(kProRtIpVecCapacity));
      BuildPacket(spec, block, port, seq);
      std::memcpy(slot, block, length);
      CountedFree(block);
    } else if constexpr (S == CraftStrategy::Reuse) {
      BuildPacket(spec, slot, port, seq);
    } else {
      tmpl.Emit(slot, port, seq);
    }
    sink = sink * 31 + (static_cast<uint32_t>(slot[checksum_at]) << 8 | slot[checksum_at + 1]);
    port = port == 65535 ? 1 : static_cast<uint16_t>(port + 1);
    seq += sequence.seq_step;
  }
  DoNotOptimize(out);
  return sink;
}

}  // namespace

uint32_t CraftBatch(CraftStrategy strategy, const PacketSpec& spec, const PacketTemplate& tmpl,
                    const PacketSequence& sequence, uint64_t first_index, size_t count, uint8_t* out) {
  switch (strategy) {
    case CraftStrategy::Alloc: return CraftLoop<CraftStrategy::Alloc>(spec, tmpl, sequence, first_index, count, out);
    case CraftStrategy::Reuse: return CraftLoop<CraftStrategy::Reuse>(spec, tmpl, sequence, first_index, count, out);
    case CraftStrategy::Template: return CraftLoop<CraftStrategy::Template>(spec, tmpl, sequence, first_index, count, out);
  }
  return 0;
}

}  // namespace prtip
