#include "siphash.h"

#include <cstring>

namespace prtip {

namespace {

inline uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline void SipRound(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1; v1 = Rotl(v1, 13); v1 ^= v0; v0 = Rotl(v0, 32);
  v2 += v3; v3 = Rotl(v3, 16); v3 ^= v2;
  v0 += v3; v3 = Rotl(v3, 21); v3 ^= v0;
  v2 += v1; v1 = Rotl(v1, 17); v1 ^= v2; v2 = Rotl(v2, 32);
}

inline uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

uint64_t SipHash24(const SipKey& key, const uint8_t* data, size_t length) {
  uint64_t v0 = 0x736f6d6570736575ull ^ key.k0;
  uint64_t v1 = 0x646f72616e646f6dull ^ key.k1;
  uint64_t v2 = 0x6c7967656e657261ull ^ key.k0;
  uint64_t v3 = 0x7465646279746573ull ^ key.k1;
  const size_t whole = length - (length % 8);
  for (size_t i = 0; i < whole; i += 8) {
    uint64_t m = LoadLe64(data + i);
    v3 ^= m;
    SipRound(v0, v1, v2, v3);
    SipRound(v0, v1, v2, v3);
    v0 ^= m;
  }
  uint64_t last = static_cast<uint64_t>(length & 0xff) << 56;
  for (size_t i = 0; i < length % 8; ++i) last |= static_cast<uint64_t>(data[whole + i]) << (8 * i);
  v3 ^= last;
  SipRound(v0, v1, v2, v3);
  SipRound(v0, v1, v2, v3);
  v0 ^= last;
  v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) SipRound(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t ProbeCookie(const SipKey& key, const uint8_t* src_addr, const uint8_t* dst_addr, size_t addr_len,
                     uint16_t src_port, uint16_t dst_port) {
  uint8_t buf[36];
  std::memcpy(buf, src_addr, addr_len);
  std::memcpy(buf + addr_len, dst_addr, addr_len);
  buf[2 * addr_len] = static_cast<uint8_t>(src_port >> 8);
  buf[2 * addr_len + 1] = static_cast<uint8_t>(src_port);
  buf[2 * addr_len + 2] = static_cast<uint8_t>(dst_port >> 8);
  buf[2 * addr_len + 3] = static_cast<uint8_t>(dst_port);
  return static_cast<uint32_t>(SipHash24(key, buf, 2 * addr_len + 4));
}

}  // namespace prtip
