// Plain C on purpose: no intrinsics, no tricks the compiler is not given. -O3 for this
// file only (the addon builds at -O2), and one clone per CPU level chosen at load time.
#pragma GCC optimize("O3")

#include "reference.h"

#include <cstring>

#include "timing/clock.h"

#define PRTIP_REFERENCE_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

namespace prtip {
namespace {

constexpr uint16_t kId = 0x1234;  // as craft.cc: nothing but port and seq varies

uint32_t Word(const uint8_t* p) { return static_cast<uint32_t>(p[0]) << 8 | p[1]; }

uint16_t FoldPlain(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

void WriteSyn(uint8_t* p, const PacketSpec& spec, uint16_t port, uint32_t seq) {
  p[0] = 0x45;
  p[1] = 0;
  p[2] = 0, p[3] = 40;
  p[4] = kId >> 8, p[5] = kId & 0xFF;
  p[6] = 0x40, p[7] = 0;
  p[8] = spec.ttl;
  p[9] = 6;
  p[10] = 0, p[11] = 0;
  p[12] = spec.src_addr[0], p[13] = spec.src_addr[1], p[14] = spec.src_addr[2], p[15] = spec.src_addr[3];
  p[16] = spec.dst_addr[0], p[17] = spec.dst_addr[1], p[18] = spec.dst_addr[2], p[19] = spec.dst_addr[3];
  uint8_t* t = p + 20;
  t[0] = spec.src_port >> 8, t[1] = spec.src_port & 0xFF;
  t[2] = port >> 8, t[3] = port & 0xFF;
  t[4] = seq >> 24, t[5] = (seq >> 16) & 0xFF, t[6] = (seq >> 8) & 0xFF, t[7] = seq & 0xFF;
  t[8] = t[9] = t[10] = t[11] = 0;
  t[12] = 5 << 4;
  t[13] = 0x02;
  t[14] = spec.window >> 8, t[15] = spec.window & 0xFF;
  t[16] = t[17] = t[18] = t[19] = 0;
}

}  // namespace

bool ReferenceSupports(const PacketSpec& spec) {
  return spec.family == 4 && spec.protocol == Protocol::Tcp && spec.tcp_options == TcpOptions::None;
}

ReferenceSyn MakeReferenceSyn(const PacketSpec& spec) {
  ReferenceSyn syn;
  WriteSyn(syn.bytes, spec, 0, 0);
  uint64_t ip = 0;
  for (int i = 0; i < 20; i += 2) ip += Word(syn.bytes + i);
  uint16_t ip_checksum = static_cast<uint16_t>(~FoldPlain(ip));
  syn.bytes[10] = ip_checksum >> 8, syn.bytes[11] = ip_checksum & 0xFF;
  uint64_t tcp = Word(syn.bytes + 12) + Word(syn.bytes + 14) + Word(syn.bytes + 16) + Word(syn.bytes + 18) + 6 + 20;
  for (int i = 20; i < 40; i += 2) tcp += Word(syn.bytes + i);
  syn.partial_sum = FoldPlain(tcp);
  uint16_t tcp_checksum = static_cast<uint16_t>(~syn.partial_sum);
  syn.bytes[36] = tcp_checksum >> 8, syn.bytes[37] = tcp_checksum & 0xFF;
  return syn;
}

PRTIP_REFERENCE_CLONES uint32_t ReferenceTemplateLoop(const ReferenceSyn& syn, const PacketSequence& sequence,
                                                     uint64_t first_index, size_t count, size_t stride, uint8_t* out) {
  uint16_t port = DstPortAt(sequence, first_index);
  uint32_t seq = SeqAt(sequence, first_index);
  uint32_t sink = 0;
  for (size_t k = 0; k < count; ++k) {
    uint8_t* p = out + k * stride;
    std::memcpy(p, syn.bytes, 40);
    p[22] = port >> 8, p[23] = port & 0xFF;
    p[24] = seq >> 24, p[25] = (seq >> 16) & 0xFF, p[26] = (seq >> 8) & 0xFF, p[27] = seq & 0xFF;
    uint32_t sum = syn.partial_sum + port + (seq >> 16) + (seq & 0xFFFF);
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum = (sum & 0xFFFF) + (sum >> 16);
    uint16_t checksum = static_cast<uint16_t>(~sum);
    p[36] = checksum >> 8, p[37] = checksum & 0xFF;
    sink += checksum;
    port = port == 65535 ? 1 : port + 1;
    seq += sequence.seq_step;
  }
  DoNotOptimize(out);
  return sink;
}

PRTIP_REFERENCE_CLONES uint32_t ReferenceReuseLoop(const PacketSpec& spec, const PacketSequence& sequence,
                                                  uint64_t first_index, size_t count, size_t stride, uint8_t* out) {
  uint16_t port = DstPortAt(sequence, first_index);
  uint32_t seq = SeqAt(sequence, first_index);
  uint32_t sink = 0;
  for (size_t k = 0; k < count; ++k) {
    uint8_t* p = out + k * stride;
    WriteSyn(p, spec, port, seq);
    uint64_t ip = 0;
    for (int i = 0; i < 20; i += 2) ip += Word(p + i);
    uint16_t ip_checksum = static_cast<uint16_t>(~FoldPlain(ip));
    p[10] = ip_checksum >> 8, p[11] = ip_checksum & 0xFF;
    uint64_t tcp = Word(p + 12) + Word(p + 14) + Word(p + 16) + Word(p + 18) + 6 + 20;
    for (int i = 20; i < 40; i += 2) tcp += Word(p + i);
    uint16_t checksum = static_cast<uint16_t>(~FoldPlain(tcp));
    p[36] = checksum >> 8, p[37] = checksum & 0xFF;
    sink += checksum;
    port = port == 65535 ? 1 : port + 1;
    seq += sequence.seq_step;
  }
  DoNotOptimize(out);
  return sink;
}

PRTIP_REFERENCE_CLONES uint16_t ReferenceChecksumSum(const uint8_t* data, size_t length) {
  uint64_t total = 0;
  size_t i = 0;
  for (; i + 4 <= length; i += 4) {
    uint32_t word;
    std::memcpy(&word, data + i, 4);
    total += word;  // < 2^62 for any buffer under 2^32 words: no carry to track
  }
  for (; i < length; ++i) total += static_cast<uint64_t>(data[i]) << (8 * (i & 3));
  uint16_t folded = FoldPlain(total);
  return static_cast<uint16_t>(folded >> 8 | folded << 8);  // little-endian words: swap to big-endian
}

}  // namespace prtip
