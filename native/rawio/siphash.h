// SipHash-2-4 (Aumasson & Bernstein), our own implementation: the keyed hash behind
// the stateless SYN cookie. A reply is ours when its ack - 1 equals the hash of its
// 4-tuple under the run's key, so no per-packet state is kept (as masscan/zmap do).
#pragma once
#include <cstddef>
#include <cstdint>

namespace prtip {

struct SipKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

uint64_t SipHash24(const SipKey& key, const uint8_t* data, size_t length);

// The 32-bit cookie for one probe: a function of the run key and the 4-tuple as sent
// (our address and port, the target's address and port). addr_len is 4 or 16.
uint32_t ProbeCookie(const SipKey& key, const uint8_t* src_addr, const uint8_t* dst_addr, size_t addr_len,
                     uint16_t src_port, uint16_t dst_port);

}  // namespace prtip
