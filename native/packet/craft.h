// Packet crafting kernels. This header's PacketSpec / PacketLength / PacketTemplate are
// the interface the raw-socket sender (native/rawio) writes its batch slots with; the
// packet issue owns the implementation and may add more (strategies, parsers).
#pragma once
#include <cstddef>
#include <cstdint>

namespace prtip {

enum class Protocol { Tcp, Udp };

struct PacketSpec {
  int family = 4;  // 4 or 6
  Protocol protocol = Protocol::Tcp;
  bool tcp_options = false;  // MSS 1460 + window scale 7 + SACK permitted (ProRT-IP's packet_with_options)
  uint8_t src_addr[16] = {127, 0, 0, 1};  // IPv4 uses the first 4 bytes
  uint8_t dst_addr[16] = {127, 0, 0, 1};
  uint16_t src_port = 40000;
  uint16_t window = 65535;
  uint8_t ttl = 64;
};

// Bytes of one packet from the IP header on (L3).
size_t PacketLength(const PacketSpec& spec);

// masscan's way: a prebuilt packet, copied, with destination port and sequence
// number patched and both checksums updated incrementally (RFC 1624).
class PacketTemplate {
 public:
  explicit PacketTemplate(const PacketSpec& spec);
  size_t length() const { return length_; }
  // Writes one complete, checksummed packet to out (length() bytes). For UDP, seq is ignored.
  void Emit(uint8_t* out, uint16_t dst_port, uint32_t seq) const;

 private:
  uint8_t bytes_[128];
  size_t length_ = 0;
  PacketSpec spec_;
  // Offsets and precomputed partial sums the implementation needs.
  size_t l4_offset_ = 0;
  uint32_t l4_partial_sum_ = 0;
};

}  // namespace prtip
