// The reply counter: a thread reading the raw receive socket with recvmmsg in
// batches, validating each reply's cookie. It never blocks longer than one poll
// timeout, so stopping it is prompt.
#pragma once
#include <atomic>
#include <cstdint>
#include <thread>

#include "siphash.h"

namespace prtip {

struct ReplyCounts {
  std::atomic<uint64_t> replies{0};
  std::atomic<uint64_t> rst{0};
  std::atomic<uint64_t> synack{0};
  std::atomic<uint64_t> unmatched{0};
  std::atomic<uint64_t> overflow{0};  // latest SO_RXQ_OVFL value (cumulative drops)
  std::atomic<uint64_t> calls{0};
};

struct ReceiverConfig {
  int fd = -1;
  int family = 4;
  uint8_t our_addr[16] = {};
  uint8_t target_addr[16] = {};
  SipKey key;
};

class Receiver {
 public:
  Receiver(const ReceiverConfig& cfg, ReplyCounts* counts) : cfg_(cfg), counts_(counts) {}
  ~Receiver() { Stop(); }
  void Start();
  void Stop();

 private:
  void Loop();
  void Handle(const uint8_t* data, size_t length, const void* name);
  ReceiverConfig cfg_;
  ReplyCounts* counts_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace prtip
