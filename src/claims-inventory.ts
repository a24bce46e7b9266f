/**
 * Every numeric claim of ProRT-IP's five profiling documents, in one place: which suite
 * judges it and on what subject, or why nothing here can and what would decide it.
 *
 * Documents (in /work/shared/seeds/ when this was written, quoted by their number):
 * 000 massif README (Sprint 5.5.4), 001 profiling framework README, 002 Phase 5 profiling
 * summary, 003 Sprint 5.5.5 profiling analysis, 004 performance analysis guide.
 * Left out on purpose: priority scores (arithmetic on guesses, not measurements) and the
 * guide's tool tutorials that state no figure.
 *
 * gatherClaims (src/report/claims.ts) adds a "cannot tell here" row for every entry that no
 * suite judged in a run, and test/claims-inventory.test.ts checks this list against the
 * claims the suites produce, so a claim cannot silently drop out of the report.
 */
import type { ClaimSubject } from './report/result.js';

/** The suites that judge claims. */
export type ClaimSuite = 'checksum' | 'batch-size' | 'criterion' | 'prtip';

export interface InventoryEntry {
  id: string;
  /** The claim as the documents state it. */
  claim: string;
  /** Which document(s) and where. */
  source: string;
  subject: ClaimSubject;
  /** The suite that judges it; null when nothing here can. */
  suite: ClaimSuite | null;
  /** For suite null: why it cannot be told here. */
  why?: string;
  /** What would decide it: the command or measurement (shown when it is not judged). */
  decide: string;
}

const CARGO_BENCH = 'in ProRT-IP: cargo bench -p prtip-network --bench packet_crafting (and --bench batch_io); then npm run bench -- --criterion ProRT-IP/target/criterion';
const VALGRIND = 'npm run bench -- --prtip PATH --suite prtip, with valgrind installed (Debian: apt-get install valgrind)';
const NS = 'run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up)';

export const CLAIMS_INVENTORY: readonly InventoryEntry[] = [
  // ---- prtip's packet builder: judged on prtip's criterion results ----
  { id: 'tcp-syn-packet-850ns', claim: 'crafting a TCP SYN (tcp_syn_packet) costs about 850 ns (862 ns → 1.16 M packets/s)', source: '004 performance analysis guide, Criterion example output', subject: 'prtip-function', suite: 'criterion', decide: CARGO_BENCH },
  { id: 'udp-packet-620ns', claim: 'crafting a UDP packet (udp_packet) costs about 620 ns', source: '004 performance analysis guide, Criterion example output', subject: 'prtip-function', suite: 'criterion', decide: CARGO_BENCH },
  { id: 'zero-copy-58.8ns-17mpps', claim: 'the zero-copy builder takes 58.8 ns per packet, 17.0 M pps', source: '004 performance analysis guide, memory pooling', subject: 'prtip-function', suite: 'criterion', decide: CARGO_BENCH },
  { id: 'old-api-68.3ns-14.6mpps', claim: 'the old allocating API takes 68.3 ns per packet, 14.6 M pps', source: '004 performance analysis guide, memory pooling', subject: 'prtip-function', suite: 'criterion', decide: CARGO_BENCH },
  { id: 'zero-copy-15pct-faster', claim: 'the zero-copy builder is 15% faster than the old allocating API (68.3 → 58.8 ns, +2.4 M pps)', source: '004 performance analysis guide, memory pooling', subject: 'prtip-function', suite: 'criterion', decide: CARGO_BENCH },
  {
    id: 'old-api-3-7-allocations', claim: 'the old API makes 3-7 allocations per packet, the zero-copy API 0', source: '004 performance analysis guide, memory pooling', subject: 'prtip-function', suite: null,
    why: 'criterion measures time, not allocations; our reproduction counts its own allocator calls (1 per packet by construction), which says nothing about prtip\'s builder',
    decide: 'run prtip\'s bench binary under an allocation profiler, e.g. valgrind --tool=dhat target/release/deps/packet_crafting-<hash> --bench tcp_packet_old_api/1000 --profile-time 2, and divide the allocation count by the packets built',
  },
  {
    id: 'pnet-simd-checksum-2-3x', claim: 'pnet\'s SIMD checksums are 2-3x faster on supported platforms', source: '004 performance analysis guide, SIMD optimization', subject: 'prtip-function', suite: null,
    why: 'prtip\'s benches have no checksum benchmark; our checksum suite measures the work (scalar vs SIMD kernels of our own), not pnet\'s function',
    decide: 'a criterion bench of pnet_packet::util::checksum against a scalar 16-bit loop on 20-1500 B buffers',
  },

  // ---- the work itself: judged on our floors ----
  { id: 'checksum-simd-8x', claim: 'SIMD makes the checksum about 8x faster than the scalar loop (no SIMD today)', source: '003 Sprint 5.5.5 profiling analysis, Target 2', subject: 'the-work', suite: 'checksum', decide: 'npm run bench -- --suite checksum' },
  { id: 'sendmmsg-batch-100-to-200-300', claim: 'sendmmsg batch 100 is suboptimal; 200-300 gives 5-10% more throughput', source: '003 Sprint 5.5.5 profiling analysis / 001 framework README', subject: 'the-work', suite: 'batch-size', decide: 'npm run bench -- --suite batch-size (needs root or CAP_NET_RAW)' },
  { id: 'sendmmsg-95pct-syscall-reduction-at-16', claim: 'batch size 16 gives ~95% syscall reduction', source: '004 performance guide (--batch-size)', subject: 'the-work', suite: 'batch-size', decide: 'npm run bench -- --suite batch-size (needs root or CAP_NET_RAW, and tracefs for syscall counts)' },
  { id: 'sendmmsg-98pct-syscall-reduction-at-64', claim: 'batching gives ~98% syscall reduction at batch 64', source: '004 performance guide (--batch-size)', subject: 'the-work', suite: 'batch-size', decide: 'npm run bench -- --suite batch-size (needs root or CAP_NET_RAW, and tracefs for syscall counts)' },
  { id: 'sendmmsg-99pct-syscall-reduction-at-128', claim: 'batch size 128 gives ~99% syscall reduction', source: '004 performance guide (--batch-size)', subject: 'the-work', suite: 'batch-size', decide: 'npm run bench -- --suite batch-size (needs root or CAP_NET_RAW, and tracefs for syscall counts)' },
  { id: 'batching-5-10x-syscall-overhead', claim: 'sendmmsg/recvmmsg batching gives a 5-10x reduction in syscall overhead', source: '004 performance guide, batched system calls', subject: 'the-work', suite: 'batch-size', decide: 'npm run bench -- --suite batch-size (needs root or CAP_NET_RAW)' },
  { id: 'batch-size-localhost-200-300', claim: 'the optimal batch on localhost is 200-300', source: '003 Sprint 5.5.5 analysis, batching effectiveness table', subject: 'the-work', suite: 'batch-size', decide: 'npm run bench -- --suite batch-size (needs root or CAP_NET_RAW)' },
  {
    id: 'batch-size-lan-150-250', claim: 'the optimal batch on a 1 Gbps LAN is 150-250', source: '003 Sprint 5.5.5 analysis, batching effectiveness table', subject: 'the-work', suite: null,
    why: 'packets go only to loopback and to the harness\'s own namespaces here; no LAN link is measured',
    decide: 'the batch-size sweep (sendmmsg at 100-300, pps and loss) from a host with a 1 Gbps NIC to a LAN host you own',
  },
  {
    id: 'batch-size-wan-100-150', claim: 'the optimal batch over the Internet (WAN) is 100-150', source: '003 Sprint 5.5.5 analysis, batching effectiveness table', subject: 'the-work', suite: null,
    why: 'nothing here is sent beyond loopback and harness namespaces, so no WAN path (loss, retries) exists to measure',
    decide: 'the batch-size sweep against a WAN target you own and may scan, counting retries and loss per batch size',
  },

  // ---- whole binaries: judged on whole runs ----
  { id: 'whole-crafting-share', claim: 'packet crafting is 12-15% of a SYN scan\'s CPU', source: '003 Sprint 5.5.5 analysis / 001 framework README', subject: 'whole-binary', suite: 'prtip', decide: `npm run bench -- --prtip PATH (whole-binary suite)` },
  { id: 'whole-checksum-share', claim: 'checksums are 8-10% of a SYN scan\'s CPU', source: '003 Sprint 5.5.5 analysis / 001 framework README', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-futex-time', claim: 'futex is 77-88% of time', source: '002 Phase 5 profiling summary (strace -c)', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH, with strace installed' },
  { id: 'whole-network-syscall-share', claim: 'network syscalls are 0.9-1.6% of all syscalls', source: '002 Phase 5 profiling summary / 003', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (tracefs mounted for syscall counts)' },
  { id: 'whole-syscall-counts', claim: 'syn-scan-1k makes 698 syscalls (209 futex), rate-limit-50k 704, 10,000 ports 918', source: '002 Phase 5 profiling summary, I/O analysis', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (tracefs mounted for syscall counts)' },
  { id: 'whole-syn-sendmmsg-calls', claim: 'a 1,000-port SYN scan makes 8-10 sendmmsg calls of 100-125 packets and 0 connect()', source: '003 Sprint 5.5.5 analysis, expected syscall patterns', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (tracefs mounted for syscall counts)' },
  { id: 'whole-syn-1k-98ms', claim: 'syn-scan-1k takes about 98 ms (10,200 pps)', source: '003 / 004 (hyperfine on i9-10850K)', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-syn-1k-cpu', claim: 'syn-scan-1k uses 12.5 ms user + 45.2 ms system CPU', source: '004 hyperfine example output', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-default-scan-pps', claim: 'the default scan (-sS -p 1-1000) runs at 96-102K pps in ~2.7 MB', source: '002 production readiness, recommended configurations', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-connect-100-150ms', claim: 'a connect scan of 100 ports takes 150 ms (6,600 pps)', source: '003 Sprint 5.5.5 analysis, scenario 02', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-connect-1k-150.7ms', claim: 'a connect scan of 1,000 ports takes 150.7 ± 3.1 ms', source: '004 hyperfine example output', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-connect-vs-syn', claim: 'a connect scan is 1.53 ± 0.04x slower than a SYN scan (1,000 ports)', source: '004 benchmarking guide (hyperfine example)', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-ipv6-overhead', claim: 'IPv6 costs +15% over IPv4', source: '003 Sprint 5.5.5 analysis', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-ipv6-parity', claim: 'IPv6 scans run at parity with IPv4 (-1.9%)', source: '002 Phase 5 profiling summary', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-ipv6-syscall-parity', claim: 'IPv6 makes 5.6% fewer syscalls than IPv4 (659 vs 698)', source: '002 Phase 5 profiling summary, IPv6 scan', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (tracefs mounted)' },
  {
    id: 'whole-ipv6-1k-113ms', claim: 'an IPv6 SYN scan of 1,000 ports takes ~113 ms (15% over IPv4)', source: '003 Sprint 5.5.5 analysis, scenario 11', subject: 'whole-binary', suite: null,
    why: 'the IPv6 scenario here scans 500 ports (002\'s ipv6-scan-500, with an IPv4 twin for equal work); a 500-port run is not the 1,000-port scan this figure is about',
    decide: `hyperfine -N 'prtip -6 -sS -p 1-1000 ::1' (${NS})`,
  },
  { id: 'whole-rate-limit-negative-overhead', claim: 'the rate limiter has "negative overhead" (-1.8%)', source: '002 Phase 5 profiling summary', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-service-detect-163ms', claim: 'service detection (3 common ports) takes 163 ms, +66% over a SYN scan', source: '003 Sprint 5.5.5 analysis, scenario 10', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (without --quick: service-detect is a heavy scenario)' },
  { id: 'whole-sv-memory-1.97GB', claim: '-sV: 2.7 MB → 1.97 GB peak memory for 4 ports (493 MB per port)', source: '002 Phase 5 profiling summary, massif table', subject: 'whole-binary', suite: 'prtip', decide: `${VALGRIND} (without --quick)` },
  { id: 'whole-sv-heap-12MB', claim: 'service detection peaks at 12 MB of heap', source: '003 Sprint 5.5.5 analysis, heap table', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (without --quick)' },
  { id: 'whole-sv-brk-3429', claim: 'service detection makes 3,429 brk calls (42% of syscall time)', source: '002 Phase 5 profiling summary, I/O analysis', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (without --quick; tracefs mounted)' },
  // ---- the documents' massif and memcheck figures: judged on valgrind's own (the prtip suite's memory section) ----
  { id: 'whole-massif-100-ports', claim: 'peak memory 1.999 MB at 100 ports (massif "Small")', source: '002 Phase 5 profiling summary, massif table', subject: 'whole-binary', suite: 'prtip', decide: `${VALGRIND} (without --quick)` },
  { id: 'whole-peak-memory-1k', claim: 'peak memory 2.746 MB at 1k ports (~2.7 MB)', source: '002 Phase 5 profiling summary, massif table', subject: 'whole-binary', suite: 'prtip', decide: VALGRIND },
  { id: 'whole-peak-memory-10k', claim: 'peak memory 12.34 MB at 10k ports', source: '002 Phase 5 profiling summary, massif table', subject: 'whole-binary', suite: 'prtip', decide: `${VALGRIND} (without --quick)` },
  { id: 'whole-massif-ipv6-1k', claim: 'peak memory 2.742 MB for an IPv6 scan of 1,000 ports (parity with IPv4\'s 2.746 MB)', source: '002 Phase 5 profiling summary, massif table', subject: 'whole-binary', suite: 'prtip', decide: `${VALGRIND} (without --quick)` },
  { id: 'whole-heap-stateless-1k', claim: 'under 1 MB of heap for a stateless 1k scan (003: 850 KB)', source: '000 massif README / 003 heap table', subject: 'whole-binary', suite: 'prtip', decide: VALGRIND },
  { id: 'massif-sv-overhead-10MB', claim: 'service detection needs under 10 MB of overhead (probe database + regex compilation)', source: '000 massif README, scenario 3', subject: 'whole-binary', suite: 'prtip', decide: `${VALGRIND} (without --quick)` },
  { id: 'massif-os-fingerprint-5MB', claim: 'OS fingerprinting needs under 5 MB (signature database ~4.5 MB)', source: '000 massif README, scenario 4', subject: 'whole-binary', suite: 'prtip', decide: `${VALGRIND} (without --quick)` },
  { id: 'leak-check-zero', claim: '0 bytes definitely lost, 0 (or < 1 KB) possibly lost', source: '000 massif README, scenario 5 / 004 memory leak detection', subject: 'whole-binary', suite: 'prtip', decide: VALGRIND },
  { id: 'whole-connect-100-heap-18MB', claim: 'a connect scan of 100 ports peaks at 18 MB of heap (< 20 MB)', source: '003 Sprint 5.5.5 analysis, heap table', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH' },
  { id: 'whole-65k-heap-4.5MB', claim: 'a scan of all 65,535 ports peaks at 4.5 MB of heap (< 5 MB)', source: '003 Sprint 5.5.5 analysis, heap table', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (without --quick)' },
  { id: 'whole-full-65535-287ms', claim: 'a scan of all 65,535 ports takes 287 ms (228K pps, ~50-60 MB)', source: '002 Phase 5 profiling summary (regression section, production readiness)', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH (without --quick)' },
  { id: 'strace-slowdown-5-20x', claim: 'strace slows the traced program 5-20x', source: '001 profiling framework README', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --prtip PATH, with strace installed' },
  { id: 'whole-nmap-network-share', claim: 'nmap\'s network syscalls are ~10-20% of its syscalls', source: '002 Phase 5 profiling summary, industry comparison', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip with nmap installed (apt-get install nmap; tracefs mounted)' },
  { id: 'whole-masscan-network-share', claim: 'masscan\'s network syscalls are ~5-10% of its syscalls', source: '002 Phase 5 profiling summary, industry comparison', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip with masscan installed (apt-get install masscan; tracefs mounted)' },
  {
    id: 'phase4-5-regression', claim: 'the 65K-port scan regressed +10.8% from Phase 4 (259 → 287 ms): event system +12 ms, debug symbols +5 ms, IPv6 init +5 ms, error handling +3 ms, futex +3 ms', source: '002 Phase 4→5 regression deep dive', subject: 'whole-binary', suite: null,
    why: 'needs a Phase 4 (v0.4.x) binary and per-feature builds of v0.5; the harness never builds prtip',
    decide: `build both (and the feature variants the document lists) yourself, then hyperfine -N 'prtip-v0.4 -sS -p- 127.0.0.1' 'prtip-v0.5 -sS -p- 127.0.0.1' (${NS})`,
  },
  {
    id: 'memory-scaling-formula', claim: 'memory = 2 MB + ports × 1.0-1.2 KB (and, per host: 2.1 MB + hosts × 9.2 KB; ~18 KB connect, ~50 KB -sV, ~30 KB -O per target)', source: '002 memory scaling / 000 per-target overhead (hypothetical)', subject: 'whole-binary', suite: null,
    why: 'a heap model needs heap profiles at several port and host counts; RSS (what is sampled here) includes stacks and runtime arenas',
    decide: `valgrind --tool=massif prtip -sS -p 1-N 127.0.0.1 for N = 100, 1000, 10000 and over 1-1024 loopback hosts; fit peak heap against N (${NS})`,
  },
  {
    id: 'massif-10k-hosts-100MB', claim: 'under 100 MB of heap for 10K hosts (127.0.0.0/22 -p 1-1000; ~95 MB target state)', source: '000 massif README, scenario 2', subject: 'whole-binary', suite: null,
    why: 'no multi-host scenario runs here (about a million probes; under massif about an hour)',
    decide: `valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.0/22 (${NS})`,
  },
  {
    id: 'heap-allocation-shares', claim: 'per-packet allocations are 32% of heap (Vec in packet crafting 30-35%, result strings 15-20%, port-state HashMap 10-15%, probe database 8-12%, tokio 5-8%)', source: '001 framework README / 003 allocation hotspots', subject: 'whole-binary', suite: null,
    why: 'shares of heap by allocation site need a heap profiler\'s call trees',
    decide: `valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.1, then ms_print (or heaptrack) (${NS})`,
  },
  // 003's Expected CPU Hotspots: judged on sampled profiles of prtip (src/profile/hotspots.ts, run by the prtip suite).
  { id: 'hotspot-craft-syn-packet', claim: 'craft_syn_packet() is 12-15% of a SYN scan\'s CPU (sampled profile)', source: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', subject: 'whole-binary', suite: 'prtip', decide: `npm run bench -- --suite prtip --prtip PATH (profiles each scenario with cpu-clock inside its namespace)` },
  { id: 'hotspot-calculate-checksum', claim: 'calculate_checksum() is 8-10% of a SYN scan\'s CPU (sampled profile)', source: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip --prtip PATH' },
  { id: 'hotspot-send-packets', claim: 'send_packets() (sendmmsg batching) is 6-8% of a SYN scan\'s CPU', source: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip --prtip PATH' },
  { id: 'hotspot-recv-packets', claim: 'recv_packets() (recvmmsg polling) is 4-6% of a SYN scan\'s CPU', source: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip --prtip PATH' },
  { id: 'hotspot-tokio-spawn', claim: 'tokio::spawn() (task spawning) is 5-7% of a connect scan\'s CPU', source: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip --prtip PATH' },
  { id: 'hotspot-regex-find', claim: 'regex::find() (banner matching) is 6-10% of service detection\'s CPU', source: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip --prtip PATH (without --quick: service-detect is a heavy scenario)' },
  { id: 'hotspot-total-hot-path', claim: 'the hot path (those six functions) is 45-60% of CPU, the rest spread over many small functions', source: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip --prtip PATH' },
  {
    id: 'cpu-hotspot-estimates', claim: 'port-state HashMap lookups are 3-5% of a SYN scan\'s CPU', source: '003 Sprint 5.5.5 analysis, SYN scan flamegraph hotspots (estimated)', subject: 'whole-binary', suite: null,
    why: 'no function name isolates port-state lookups: hashbrown\'s probing is generic and inlined into its callers, so a sampled profile cannot name it by pattern',
    decide: `perf record -e cpu-clock -g -- prtip -sS -p 1-1000 127.0.0.1, then perf annotate the callers of the port-state map (${NS}; cpu-clock sampling works without a PMU)`,
  },
  { id: 'perf-report-example', claim: 'perf report: 45.2% in send_syn, 12.3% in scan_port, 8.7% in pthread_mutex_lock, 5.4% in crossbeam pop', source: '004 performance analysis guide, CPU profiling example', subject: 'whole-binary', suite: 'prtip', decide: 'npm run bench -- --suite prtip --prtip PATH (the SYN scan\'s sampled profile)' },
  {
    id: 'pmu-targets', claim: 'packet crafting < 10% of cycles, L1d misses < 5%, branch mispredictions < 2%', source: '004 performance analysis guide, key metrics to monitor', subject: 'whole-binary', suite: null,
    why: 'cycles, cache and branch events need a hardware PMU, which this machine may lack (the events are then reported unsupported)',
    decide: `npx prtip-perf stat -e cycles,instructions,L1-dcache-load-misses,L1-dcache-loads,branch-misses,branches -- prtip -sS -p 1-1000 127.0.0.1 on a machine with a PMU (${NS}); crafting's share of cycles also needs perf record`,
  },
  {
    id: 'tls-cert-1.33us', claim: 'TLS certificate parsing costs 1.33 µs per certificate', source: '003 Sprint 5.5.5 analysis, scenario 08', subject: 'prtip-function', suite: null,
    why: 'the packet_crafting and batch_io benches read here have no certificate benchmark, and the TLS scenario of the documents targets a public host, which is never scanned here',
    decide: 'prtip\'s own criterion bench for certificate parsing, if it has one (cargo bench -p prtip-scanner, then --criterion)',
  },
  {
    id: 'tool-overheads', claim: 'massif slows execution 10-50x (000: 20-50x); flamegraph sampling 2-5x', source: '000 massif README / 001 profiling framework README', subject: 'whole-binary', suite: null,
    why: 'the suites run neither massif nor perf record on prtip',
    decide: `hyperfine -N 'prtip -sS -p 1-1000 127.0.0.1' 'valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.1' (${NS})`,
  },
  {
    id: 'optimisation-predictions', claim: 'expected gains: 15-25% overall speedup, 10-20% less memory, 8-15% more stateless throughput; buffer pool 10-15%, SIMD checksums 5-8%, batch 300 5-10% (sendmmsg calls 10 → 5), lazy regex 8-12%, parallel probes 10-15%, async writes 2-5%, preallocation 3-5% memory; QW-1 30-50% less CPU, QW-2 60% fewer brk', source: '001 framework README / 002 optimization roadmap / 003 targets', subject: 'whole-binary', suite: null,
    why: 'predictions about optimisations prtip v0.5.9 has not made: there is no optimised build to compare',
    decide: 'build prtip with the optimisation, then npm run bench -- --prtip OLD --save-baseline before; npm run bench -- --prtip NEW --baseline before',
  },
  {
    id: 'scaling-and-platform-figures', claim: 'lock-free queues 3-5x on 16+ cores; NUMA pinning 20-30% (dual socket), 30-40% (quad); PACKET_MMAP 30-50% less CPU; XDP 24M+ pps per core; Npcap SendPacketEx 20-30%', source: '004 performance analysis guide, optimization techniques', subject: 'whole-binary', suite: null,
    why: 'this machine has 2 cores, one socket, no NIC to drive and no Windows; none of these setups exists here',
    decide: 'the same whole-binary scenarios on a 16+ core, multi-socket Linux host with a real NIC (and on Windows for Npcap)',
  },
  {
    id: 'guide-expected-memory', claim: 'expected memory: base binary ~5 MB, stateless 1M targets < 100 MB, 1K connections ~50 MB, 100K connections ~5 GB, 1M results ~250 MB, OS DB ~10 MB, service DB ~5 MB', source: '004 performance analysis guide, expected memory usage', subject: 'whole-binary', suite: null,
    why: 'these need a million targets or 100K live connections; scans here stay on loopback inside harness namespaces and are bounded',
    decide: `/usr/bin/time -v prtip ... for each configuration, on networks you own (${NS} for loopback-sized ones)`,
  },
];

/** The inventory entry for `id`, or undefined. */
export function inventoryEntry(id: string): InventoryEntry | undefined {
  return CLAIMS_INVENTORY.find((e) => e.id === id);
}
