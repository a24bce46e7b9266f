// Packet crafting kernels. This header's PacketSpec / PacketLength / PacketTemplate are
// the interface the raw-socket sender (native/rawio) writes its batch slots with; the
// packet issue owns the implementation and may add more (strategies, parsers).
#pragma once
#include <cstddef>
#include <cstdint>

#include "checksum.h"

namespace prtip {

enum class Protocol { Tcp, Udp };

// TCP options of a SYN: none (20-byte header); MSS 1460 alone (24 bytes: what prtip's
// tcp_packet_old_api / tcp_packet_zero_copy benches build); MSS 1460 + window scale 7 +
// SACK permitted (32 bytes: its packet_with_options bench).
enum class TcpOptions { None, Mss, MssWsSack };

struct PacketSpec {
  int family = 4;  // 4 or 6
  Protocol protocol = Protocol::Tcp;
  TcpOptions tcp_options = TcpOptions::None;
  uint8_t src_addr[16] = {127, 0, 0, 1};  // IPv4 uses the first 4 bytes
  uint8_t dst_addr[16] = {127, 0, 0, 1};
  uint16_t src_port = 40000;
  uint16_t window = 65535;
  uint8_t ttl = 64;
};

// Bytes of one packet from the IP header on (L3).
size_t PacketLength(const PacketSpec& spec);

// Largest PacketLength (IPv6 + TCP with options is 80 bytes).
constexpr size_t kMaxPacketLength = 128;

// The field-by-field builder (ProRT-IP's zero-copy builder): writes every header field
// of one packet into out (PacketLength(spec) bytes) and computes the IP and TCP/UDP
// checksums in full (wide64 kernel). For UDP, seq is ignored. Returns the length.
size_t BuildPacket(const PacketSpec& spec, uint8_t* out, uint16_t dst_port, uint32_t seq);

// masscan's way: a prebuilt packet, copied, with destination port and sequence
// number patched and both checksums updated incrementally (RFC 1624).
class PacketTemplate {
 public:
  explicit PacketTemplate(const PacketSpec& spec);
  size_t length() const { return length_; }
  // Writes one complete, checksummed packet to out (length() bytes) and returns its L4
  // checksum as written. For UDP, seq is ignored.
  uint16_t Emit(uint8_t* out, uint16_t dst_port, uint32_t seq) const;
  // The prebuilt packet (port, seq and L4 checksum zero) and its partial L4 sum, for
  // loops that emit with the packet's shape fixed at compile time.
  const uint8_t* bytes() const { return bytes_; }
  uint32_t partial_sum() const { return l4_partial_sum_; }

 private:
  uint8_t bytes_[128];
  size_t length_ = 0;
  PacketSpec spec_;
  // Offsets and precomputed partial sums the implementation needs.
  size_t l4_offset_ = 0;
  // Folded sum of the pseudo header and the L4 header with port, seq and checksum
  // zero: ~checksum of the template, the "~HC" of RFC 1624 eqn. 3 with m = 0.
  uint32_t l4_partial_sum_ = 0;
  bool tcp_ = true;
};

// How crafted packets vary: packet i (from 0) goes to port first_dst_port + i,
// wrapping from 65535 to 1, with sequence number seq_base + i * seq_step (mod 2^32).
struct PacketSequence {
  uint16_t first_dst_port = 1;
  uint32_t seq_base = 0;
  uint32_t seq_step = 2654435761u;  // Knuth's multiplicative constant: every bit changes
};

inline uint16_t DstPortAt(const PacketSequence& sequence, uint64_t index) {
  return static_cast<uint16_t>(1 + (sequence.first_dst_port - 1 + index) % 65535);
}
inline uint32_t SeqAt(const PacketSequence& sequence, uint64_t index) {
  return static_cast<uint32_t>(sequence.seq_base + index * sequence.seq_step);
}

enum class CraftStrategy { Alloc = 0, Reuse = 1, Template = 2 };

// Writes count packets back to back into out (count * PacketLength(spec) bytes), or
// each over the last in out's first slot when one_slot, packets first_index ..
// first_index + count - 1 of the sequence:
// - Alloc: per packet, one heap block of ProRT-IP's capacity (1500 B) from
//   CountedAllocate, built with BuildPacket, copied into its slot, freed;
// - Reuse: BuildPacket straight into the slot;
// - Template: tmpl->Emit into the slot (tmpl must be built from spec).
// Returns the sum of every packet's L4 checksum, for the caller's sink.
uint32_t CraftBatch(CraftStrategy strategy, const PacketSpec& spec, const PacketTemplate& tmpl,
                    const PacketSequence& sequence, uint64_t first_index, size_t count, uint8_t* out,
                    bool one_slot = false);

// The allocation wrapper the Alloc strategy goes through (malloc/free in another
// translation unit, so the compiler cannot elide the pair). The count is per thread
// and counts calls through this wrapper only, not allocations made elsewhere.
void* CountedAllocate(size_t bytes);
void CountedFree(void* block);
uint64_t CountedAllocations();

}  // namespace prtip
