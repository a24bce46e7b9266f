/**
 * Claims nothing here can measure: another machine, another network, an optimisation prtip has not
 * made, or no benchmark of prtip's for the function. Each says why and what would decide it.
 */
import { type Claim, unmeasurable } from '../claim.js';

export const ELSEWHERE_CLAIMS: readonly Claim[] = [
  unmeasurable({
    id: 'whole-ipv6-1k-113ms', family: 'elsewhere', subject: 'whole-binary',
    statement: 'an IPv6 SYN scan of 1,000 ports takes ~113 ms (15% over IPv4)',
    quote: { doc: '003', where: '003 Sprint 5.5.5 analysis, scenario 11', words: '' },
    why: 'the IPv6 scenario here scans 500 ports (002\'s ipv6-scan-500, with an IPv4 twin for equal work); a 500-port run is not the 1,000-port scan this figure is about',
    decide: 'hyperfine -N \'prtip -6 -sS -p 1-1000 ::1\' (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'phase4-5-regression', family: 'elsewhere', subject: 'whole-binary',
    statement: 'the 65K-port scan regressed +10.8% from Phase 4 (259 → 287 ms): event system +12 ms, debug symbols +5 ms, IPv6 init +5 ms, error handling +3 ms, futex +3 ms',
    quote: { doc: '002', where: '002 Phase 4→5 regression deep dive', words: '' },
    why: 'needs a Phase 4 (v0.4.x) binary and per-feature builds of v0.5; the harness never builds prtip',
    decide: 'build both (and the feature variants the document lists) yourself, then hyperfine -N \'prtip-v0.4 -sS -p- 127.0.0.1\' \'prtip-v0.5 -sS -p- 127.0.0.1\' (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'memory-scaling-formula', family: 'elsewhere', subject: 'whole-binary',
    statement: 'memory = 2 MB + ports × 1.0-1.2 KB (and, per host: 2.1 MB + hosts × 9.2 KB; ~18 KB connect, ~50 KB -sV, ~30 KB -O per target)',
    quote: { doc: '002', where: '002 memory scaling / 000 per-target overhead (hypothetical)', words: '' },
    why: 'a heap model needs heap profiles at several port and host counts; RSS (what is sampled here) includes stacks and runtime arenas',
    decide: 'valgrind --tool=massif prtip -sS -p 1-N 127.0.0.1 for N = 100, 1000, 10000 and over 1-1024 loopback hosts; fit peak heap against N (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'massif-10k-hosts-100MB', family: 'elsewhere', subject: 'whole-binary',
    statement: 'under 100 MB of heap for 10K hosts (127.0.0.0/22 -p 1-1000; ~95 MB target state)',
    quote: { doc: '000', where: '000 massif README, scenario 2', words: '' },
    why: 'no multi-host scenario runs here (about a million probes; under massif about an hour)',
    decide: 'valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.0/22 (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'heap-allocation-shares', family: 'elsewhere', subject: 'whole-binary',
    statement: 'per-packet allocations are 32% of heap (Vec in packet crafting 30-35%, result strings 15-20%, port-state HashMap 10-15%, probe database 8-12%, tokio 5-8%)',
    quote: { doc: '001', where: '001 framework README / 003 allocation hotspots', words: '' },
    why: 'shares of heap by allocation site need a heap profiler\'s call trees',
    decide: 'valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.1, then ms_print (or heaptrack) (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
  }),
  unmeasurable({
    id: 'cpu-hotspot-estimates', family: 'elsewhere', subject: 'whole-binary',
    statement: 'port-state HashMap lookups are 3-5% of a SYN scan\'s CPU',
    quote: { doc: '003', where: '003 Sprint 5.5.5 analysis, SYN scan flamegraph hotspots (estimated)', words: '' },
    why: 'no function name isolates port-state lookups: hashbrown\'s probing is generic and inlined into its callers, so a sampled profile cannot name it by pattern',
    decide: 'perf record -e cpu-clock -g -- prtip -sS -p 1-1000 127.0.0.1, then perf annotate the callers of the port-state map (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up); cpu-clock sampling works without a PMU)',
  }),
  unmeasurable({
    id: 'tls-cert-1.33us', family: 'elsewhere', subject: 'prtip-function',
    statement: 'TLS certificate parsing costs 1.33 µs per certificate',
    quote: { doc: '003', where: '003 Sprint 5.5.5 analysis, scenario 08', words: '' },
    why: 'the packet_crafting and batch_io benches read here have no certificate benchmark, and the TLS scenario of the documents targets a public host, which is never scanned here',
    decide: 'prtip\'s own criterion bench for certificate parsing, if it has one (cargo bench -p prtip-scanner, then --criterion)',
  }),
  unmeasurable({
    id: 'optimisation-predictions', family: 'elsewhere', subject: 'whole-binary',
    statement: 'expected gains: 15-25% overall speedup, 10-20% less memory, 8-15% more stateless throughput; buffer pool 10-15%, SIMD checksums 5-8%, batch 300 5-10% (sendmmsg calls 10 → 5), lazy regex 8-12%, parallel probes 10-15%, async writes 2-5%, preallocation 3-5% memory; QW-1 30-50% less CPU, QW-2 60% fewer brk',
    quote: { doc: '001', where: '001 framework README / 002 optimization roadmap / 003 targets', words: '' },
    why: 'predictions about optimisations prtip v0.5.9 has not made: there is no optimised build to compare',
    decide: 'build prtip with the optimisation, then npm run bench -- --prtip OLD --save-baseline before; npm run bench -- --prtip NEW --baseline before',
  }),
  unmeasurable({
    id: 'scaling-and-platform-figures', family: 'elsewhere', subject: 'whole-binary',
    statement: 'lock-free queues 3-5x on 16+ cores; NUMA pinning 20-30% (dual socket), 30-40% (quad); PACKET_MMAP 30-50% less CPU; XDP 24M+ pps per core; Npcap SendPacketEx 20-30%',
    quote: { doc: '004', where: '004 performance analysis guide, optimization techniques', words: '' },
    why: 'this machine has 2 cores, one socket, no NIC to drive and no Windows; none of these setups exists here',
    decide: 'the same whole-binary scenarios on a 16+ core, multi-socket Linux host with a real NIC (and on Windows for Npcap)',
  }),
  unmeasurable({
    id: 'guide-expected-memory', family: 'elsewhere', subject: 'whole-binary',
    statement: 'expected memory: base binary ~5 MB, stateless 1M targets < 100 MB, 1K connections ~50 MB, 100K connections ~5 GB, 1M results ~250 MB, OS DB ~10 MB, service DB ~5 MB',
    quote: { doc: '004', where: '004 performance analysis guide, expected memory usage', words: '' },
    why: 'these need a million targets or 100K live connections; scans here stay on loopback inside harness namespaces and are bounded',
    decide: '/usr/bin/time -v prtip ... for each configuration, on networks you own (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up) for loopback-sized ones)',
  }),
];
