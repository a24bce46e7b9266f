// The sockets of a run, each opened with what the benchmark needs and nothing else.
// Every function returns an fd >= 0, or -errno (and names the failed call in *syscall).
#pragma once
#include <cstdint>
#include <string>

namespace prtip {

// AF_INET/AF_INET6 SOCK_RAW IPPROTO_RAW with IP_HDRINCL / IPV6_HDRINCL: we write the IP header.
int OpenRawSender(int family, std::string* syscall);

// AF_PACKET SOCK_RAW, protocol 0 (sends only). *ifindex from ifname.
int OpenPacketSender(const std::string& ifname, bool qdisc_bypass, int* ifindex, std::string* syscall);

// Raw IPPROTO_TCP receiver with a classic BPF filter that keeps only RST or SYN-ACK
// segments addressed to our source-port range, a large receive buffer and SO_RXQ_OVFL.
int OpenRawReceiver(int family, uint16_t port_base, uint16_t port_count, int rcvbuf_bytes, std::string* syscall);

// A listening TCP socket on addr (port chosen by the kernel): the "open port".
int OpenListener(int family, const uint8_t* addr, uint16_t* port, std::string* syscall);

}  // namespace prtip
