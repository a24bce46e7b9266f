/**
 * Claims nothing here can measure: another machine, another network, an optimisation prtip has not
 * made, or no benchmark of prtip's for the function. Each says why and what would decide it.
 */
import { type Claim, unmeasurable } from '../claim.js';

export const ELSEWHERE_CLAIMS: readonly Claim[] = [
  unmeasurable({
    id: 'release-vs-debug-10-100x', family: 'elsewhere', subject: 'whole-binary',
    statement: 'a release build of prtip is 10-100× faster than a debug build',
    quote: { doc: '001', where: 'Best Practices > 1. Profiling Environment', words: '**Release Builds:** Always profile with `--release` (10-100x faster than debug)' },
    why: 'needs a debug build of prtip beside the release one, and the harness never builds prtip',
    decide: 'with a debug and a release build of your own (the harness never builds prtip): prtip-perf compare debug=PATH/TO/debug/prtip release=PATH/TO/release/prtip',
  }),
  unmeasurable({
    id: 'whole-ipv6-1k-113ms', family: 'elsewhere', subject: 'whole-binary',
    statement: 'an IPv6 SYN scan of 1,000 ports takes ~113 ms (15% over IPv4)',
    quote: { doc: '003', where: '11: IPv6 SYN Scan (1,000 ports, localhost)', words: '**Baseline Performance:** ~113ms (15% overhead vs IPv4)' },
    why: 'the IPv6 scenario here scans 500 ports (002\'s ipv6-scan-500, with an IPv4 twin for equal work); a 500-port run is not the 1,000-port scan this figure is about',
    decide: 'hyperfine -N \'prtip -6 -sS -p 1-1000 ::1\' (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'phase4-5-regression', family: 'elsewhere', subject: 'whole-binary',
    statement: 'the 65K-port scan regressed +10.8% from Phase 4 (259 → 287 ms): event system +12 ms, debug symbols +5 ms, IPv6 init +5 ms, error handling +3 ms, futex +3 ms',
    quote: { doc: '002', where: 'Phase 4→5 Regression > Regression Overview', words: '**Measured:** 65K port scan regression of +10.8% (259ms → 287ms)' },
    also: [{ doc: '002', where: 'Phase 4→5 Regression > Contributing Factors', words: '| Event System | +12ms (4.2%) | Pub-sub overhead (Sprint 5.5.3) |' }, { doc: '002', where: 'Phase 4→5 Regression > Contributing Factors', words: '| Debug Symbols | +5ms (1.7%) | Binary size +30.9% (8.4→11 MB) |' }, { doc: '002', where: 'Phase 4→5 Regression > Contributing Factors', words: '| IPv6 Dual-Stack | +5ms (1.7%) | Initialization overhead |' }, { doc: '002', where: 'Phase 4→5 Regression > Contributing Factors', words: '| Enhanced Error Handling | +3ms (1.0%) | More comprehensive propagation |' }, { doc: '002', where: 'Phase 4→5 Regression > Contributing Factors', words: '| Futex Contention | +3ms (1.0%) | Additional thread coordination |' }, { doc: '002', where: 'Phase 4→5 Regression > Contributing Factors', words: '| **Total** | **+28ms (9.6%)** | Within measurement variance |' }],
    why: 'needs a Phase 4 (v0.4.x) binary and per-feature builds of v0.5; the harness never builds prtip',
    decide: 'build both (and the feature variants the document lists) yourself, then hyperfine -N \'prtip-v0.4 -sS -p- 127.0.0.1\' \'prtip-v0.5 -sS -p- 127.0.0.1\' (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'memory-scaling-formula', family: 'elsewhere', subject: 'whole-binary',
    statement: 'memory = 2 MB + ports × 1.0-1.2 KB (and, per host: 2.1 MB + hosts × 9.2 KB; ~18 KB connect, ~50 KB -sV, ~30 KB -O per target)',
    quote: { doc: '002', where: 'Memory Scaling Characteristics > Memory Growth Pattern', words: '**Refinement:** `Memory = 2 MB + (ports × 1.0 KB)` (better fit, -12% avg error)' },
    also: [{ doc: '002', where: 'Memory Scaling Characteristics > Memory Growth Pattern', words: '**Formula:** `Memory = 2 MB (baseline) + (ports × 1.2 KB)`' }, { doc: '000', where: 'Memory Scaling > Examples', words: '| 100 | SYN | 2.1 MB + (100 × 9.2 KB) = ~3 MB |' }, { doc: '000', where: 'Per-Target Memory Overhead > Measured Overhead (Hypothetical)', words: '| Stateless (SYN) | ~9.2 KB | Target state tracking |' }, { doc: '000', where: 'Per-Target Memory Overhead > Measured Overhead (Hypothetical)', words: '| Stateful (Connect) | ~18 KB | Connection pool overhead |' }, { doc: '000', where: 'Per-Target Memory Overhead > Measured Overhead (Hypothetical)', words: '| Service Detection | ~50 KB | Banner buffer, probe history |' }, { doc: '000', where: 'Per-Target Memory Overhead > Measured Overhead (Hypothetical)', words: '| OS Fingerprinting | ~30 KB | 16-probe state |' }],
    why: 'a heap model needs heap profiles at several port and host counts; RSS (what is sampled here) includes stacks and runtime arenas',
    decide: 'valgrind --tool=massif prtip -sS -p 1-N 127.0.0.1 for N = 100, 1000, 10000 and over 1-1024 loopback hosts; fit peak heap against N (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'massif-10k-hosts-100MB', family: 'elsewhere', subject: 'whole-binary',
    statement: 'under 100 MB of heap for 10K hosts (127.0.0.0/22 -p 1-1000; ~95 MB target state)',
    quote: { doc: '000', where: '2. Stateful Scan (10K hosts)', words: '**Target:** <100MB heap (10,240 hosts × ~9.2KB/host)' },
    also: [{ doc: '000', where: '2. Stateful Scan (10K hosts) > Expected Allocations', words: '- Target state: ~95MB (10K hosts)' }],
    why: 'no multi-host scenario runs here (about a million probes; under massif about an hour)',
    decide: 'valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.0/22 (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'heap-allocation-shares', family: 'elsewhere', subject: 'whole-binary',
    statement: 'per-packet allocations are 32% of heap (Vec in packet crafting 30-35%, result strings 15-20%, port-state HashMap 10-15%, probe database 8-12%, tokio 5-8%)',
    quote: { doc: '001', where: 'Profiling Metadata > Key Findings (Top Bottlenecks)', words: '3. Per-packet allocations (32% heap)' },
    also: [{ doc: '003', where: 'Executive Summary > Key Findings (bottleneck table)', words: '| **Memory** | Per-packet allocations (32%), Result buffers (18%) | 5-10% reduction |' }, { doc: '003', where: 'Allocation Hotspots (>10% heap)', words: '| `Vec::new()` in packet_crafting | 30-35% | Packet buffers | Buffer pool |' }, { doc: '003', where: 'Allocation Hotspots (>10% heap)', words: '| `String::from()` in results | 15-20% | Result formatting | Preallocate |' }, { doc: '003', where: 'Allocation Hotspots (>10% heap)', words: '| `HashMap::new()` in port state | 10-15% | State tracking | Capacity hint |' }, { doc: '003', where: 'Allocation Hotspots (>10% heap)', words: '| Probe database load | 8-12% | Service detection | One-time (acceptable) |' }, { doc: '003', where: 'Allocation Hotspots (>10% heap)', words: '| Tokio runtime | 5-8% | Async runtime | Inherent (acceptable) |' }],
    why: 'shares of heap by allocation site need a heap profiler\'s call trees',
    decide: 'valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.1, then ms_print (or heaptrack) (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'cpu-hotspot-estimates', family: 'elsewhere', subject: 'whole-binary',
    statement: 'port-state HashMap lookups are 3-5% of a SYN scan\'s CPU',
    quote: { doc: '003', where: '01: SYN Scan > Expected Flamegraph Hotspots', words: '4. **Port State Tracking (3-5%):**\n   - HashMap lookups for port state' },
    why: 'no function name isolates port-state lookups: hashbrown\'s probing is generic and inlined into its callers, so a sampled profile cannot name it by pattern',
    decide: 'perf record -e cpu-clock -g -- prtip -sS -p 1-1000 127.0.0.1, then perf annotate the callers of the port-state map (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up); cpu-clock sampling works without a PMU)',
  }),
  unmeasurable({
    id: 'tls-cert-1.33us', family: 'elsewhere', subject: 'prtip-function',
    statement: 'TLS certificate parsing costs 1.33 µs per certificate',
    quote: { doc: '003', where: '08: TLS Certificate Analysis (HTTPS)', words: '**Baseline Performance:** 1.33μs per certificate (negligible)' },
    also: [{ doc: '003', where: '08: TLS Certificate Analysis (HTTPS)', words: '(1.33μs is <0.01% of total scan time)' }],
    why: 'the packet_crafting and batch_io benches read here have no certificate benchmark, and the TLS scenario of the documents targets a public host, which is never scanned here',
    decide: 'prtip\'s own criterion bench for certificate parsing, if it has one (cargo bench -p prtip-scanner, then --criterion)',
  }),
  unmeasurable({
    id: 'optimisation-predictions', family: 'elsewhere', subject: 'whole-binary',
    statement: 'expected gains: 15-25% overall speedup, 10-20% less memory, 8-15% more stateless throughput; buffer pool 10-15%, SIMD checksums 5-8%, batch 300 5-10% (sendmmsg calls 10 → 5), lazy regex 8-12%, parallel probes 10-15%, async writes 2-5%, preallocation 3-5% memory; QW-1 30-50% less CPU, QW-2 60% fewer brk',
    quote: { doc: '001', where: 'Profiling Metadata > Expected Gains', words: '- Combined optimization: 15-25% overall speedup\n- Memory reduction: 10-20% heap usage\n- Throughput increase: 8-15% for stateless scans' },
    also: [{ doc: '003', where: 'Optimization Summary Table', words: '| 1 | Increase Batch Size | 70 | 5-10% throughput | 2-3h | ✅ INCLUDE |' }, { doc: '003', where: 'Optimization Summary Table', words: '| 2 | Buffer Pool | 64 | 10-15% speedup | 6-8h | ✅ INCLUDE |' }, { doc: '003', where: 'Optimization Summary Table', words: '| 3 | SIMD Checksums | 56 | 5-8% speedup | 4-6h | ✅ INCLUDE |' }, { doc: '003', where: 'Optimization Summary Table', words: '| 4 | Lazy Regex | 45 | 8-12% (-sV only) | 3-4h | ✅ INCLUDE |' }, { doc: '003', where: 'Optimization Summary Table', words: '| 5 | Preallocate Buffers | 42 | 3-5% memory | 4-5h | ✅ INCLUDE |' }, { doc: '003', where: 'Optimization Summary Table', words: '| 6 | Parallel Probes | 40 | 10-15% (-sV only) | 3-4h | ⚠️ OPTIONAL |' }, { doc: '003', where: 'Optimization Summary Table', words: '| 7 | Async File Writes | 35 | 2-5% completion | 5-6h | ⚠️ OPTIONAL |' }, { doc: '003', where: 'Target 3: Increase sendmmsg Batch Size > Validation', words: '- Re-run strace: sendmmsg calls should decrease from 10 to 5 (for 1K packets)' }, { doc: '003', where: 'Executive Summary > Expected Combined Gains', words: '- **Stateless Scans:** 15-25% overall speedup' }, { doc: '002', where: 'Optimization Roadmap > QW-1: Reduce Futex Contention', words: '**Expected Impact:** 30-50% CPU time reduction' }, { doc: '002', where: 'Optimization Roadmap > QW-2: Service Detection Memory Pool', words: '**Expected Impact:** 60% brk reduction, 50% memory reduction' }],
    why: 'predictions about optimisations prtip v0.5.9 has not made: there is no optimised build to compare',
    decide: 'build prtip with the optimisation, then npm run bench -- --prtip OLD --save-baseline before; npm run bench -- --prtip NEW --baseline before',
  }),
  unmeasurable({
    id: 'scaling-and-platform-figures', family: 'elsewhere', subject: 'whole-binary',
    statement: 'lock-free queues 3-5x on 16+ cores; NUMA pinning 20-30% (dual socket), 30-40% (quad); PACKET_MMAP 30-50% less CPU; XDP 24M+ pps per core; Npcap SendPacketEx 20-30%',
    quote: { doc: '004', where: 'Optimization Techniques > Lock-Free Data Structures', words: '**Impact**: 3-5x throughput improvement on 16+ core systems' },
    also: [{ doc: '004', where: 'Optimization Techniques > NUMA Optimization', words: '- **Dual-socket**: 20-30% improvement\n- **Quad-socket**: 30-40% improvement' }, { doc: '004', where: 'Platform-Specific Analysis > AF_PACKET with PACKET_MMAP', words: 'provides 30-50% reduction in CPU usage' }, { doc: '004', where: 'Platform-Specific Analysis > eBPF/XDP', words: '**Impact**: 24M+ pps per core with hardware offload' }, { doc: '004', where: 'Windows Optimizations > Npcap Performance Tuning', words: 'Use `SendPacketEx` instead of `SendPacket` for 20-30% improvement.' }],
    why: 'this machine has 2 cores, one socket, no NIC to drive and no Windows; none of these setups exists here',
    decide: 'the same whole-binary scenarios on a 16+ core, multi-socket Linux host with a real NIC (and on Windows for Npcap)',
  }),
  unmeasurable({
    id: 'guide-expected-memory', family: 'elsewhere', subject: 'whole-binary',
    statement: 'expected memory: base binary ~5 MB, stateless 1M targets < 100 MB, 1K connections ~50 MB, 100K connections ~5 GB, 1M results ~250 MB, OS DB ~10 MB, service DB ~5 MB',
    quote: { doc: '004', where: 'Memory Profiling > Valgrind Massif > Expected Memory Usage', words: '| Base binary | ~5 MB | Minimal static footprint |' },
    also: [{ doc: '004', where: 'Memory Profiling > Valgrind Massif > Expected Memory Usage', words: '| Stateless scan (1M targets) | <100 MB | O(1) state via SipHash |' }, { doc: '004', where: 'Memory Profiling > Valgrind Massif > Expected Memory Usage', words: '| Stateful scan (1K active conns) | ~50 MB | ~50KB per connection |' }, { doc: '004', where: 'Memory Profiling > Valgrind Massif > Expected Memory Usage', words: '| Stateful scan (100K active conns) | ~5 GB | Connection state dominates |' }, { doc: '004', where: 'Memory Profiling > Valgrind Massif > Expected Memory Usage', words: '| Result storage (1M entries) | ~250 MB | In-memory before DB write |' }, { doc: '004', where: 'Memory Profiling > Valgrind Massif > Expected Memory Usage', words: '| OS fingerprint DB | ~10 MB | 2,000+ fingerprints loaded |' }, { doc: '004', where: 'Memory Profiling > Valgrind Massif > Expected Memory Usage', words: '| Service probe DB | ~5 MB | 500+ probes loaded |' }],
    why: 'these need a million targets or 100K live connections; scans here stay on loopback inside harness namespaces and are bounded',
    decide: '/usr/bin/time -v prtip ... for each configuration, on networks you own (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up) for loopback-sized ones)',
  }),
];
