/**
 * What a killed run (SIGKILL, a crash) leaves behind is swept at the start of every
 * command that can create such things, and the sweep says what it removed:
 * - `prtip-perf-*` network namespaces (and their /run/netns mounts) of dead processes;
 * - `prtip-perf-<pid>*` cgroups of dead processes under this process's cgroup;
 * - `$TMPDIR/prtip-perf-fork-<pid>-*` folders of dead bench processes.
 * Each is ours by name and its owner's pid is gone; nothing else is touched.
 * Also: signal handlers that make a command exit 128 + N on signal N after its exit hooks
 * (the netns module's among them) have cleaned up.
 */
import { existsSync, readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Prefix of a bench fork's temporary folder: the parent's pid follows, so a sweep can tell a dead owner. */
export const FORK_DIR_PREFIX = 'prtip-perf-fork-';

/** True when no process has `pid` (never for our own): its leftovers may be swept. */
export function pidGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Fork folders whose bench process is gone. */
export function sweepForkDirs(dir = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = new RegExp(`^${FORK_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!m || !pidGone(Number(m[1]))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

/** This process's cgroup v2 directory: its "0::" path under the cgroup2 mount (found as spawn.cc finds it). */
export function ownCgroupDir(): string | undefined {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
    if (line === undefined) return undefined;
    const path = line.slice(3);
    for (const m of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const [head, tail] = m.split(' - ');
      if (tail === undefined || !tail.startsWith('cgroup2 ')) continue;
      const [, , , root, mountpoint] = head!.split(' ');
      if (root === undefined || mountpoint === undefined) continue;
      const rel = root === '/' ? path : path === root || path.startsWith(`${root}/`) ? path.slice(root.length) : undefined;
      if (rel === undefined) continue;
      const dir = join(mountpoint.replace(/\\040/g, ' '), rel);
      return existsSync(join(dir, 'cgroup.procs')) ? dir : undefined;
    }
  } catch {
    // no /proc: no cgroups of ours either
  }
  return undefined;
}

/** Kills what is left in a cgroup and removes it (children first); false when it would not go. */
function removeCgroup(dir: string): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name));
  try {
    writeFileSync(join(dir, 'cgroup.kill'), '1', { flag: 'r+' }); // r+: never creates the file outside a cgroup
  } catch {
    // no cgroup.kill (kernel < 5.14) or already empty
  }
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      rmdirSync(dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || Date.now() > deadline) return false;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** `prtip-perf-<pid>…` cgroups under our own whose creating process is gone. */
export function sweepCgroups(home = ownCgroupDir()): string[] {
  if (home === undefined) return [];
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(home);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^prtip-perf-(\d+)/.exec(name);
    if (m && pidGone(Number(m[1])) && removeCgroup(join(home, name))) removed.push(join(home, name));
  }
  return removed;
}

/** Every leftover of a killed run, swept; returns one description per thing removed. */
export async function sweepLeftovers(): Promise<string[]> {
  const removed: string[] = [];
  try {
    const { sweepStaleNamespaces } = await import('./netns.js');
    removed.push(...sweepStaleNamespaces().map((n) => `network namespace ${n}`));
  } catch {
    // no addon or no /run/netns: nothing of ours can be there either
  }
  removed.push(...sweepCgroups().map((d) => `cgroup ${d}`));
  removed.push(...sweepForkDirs().map((d) => `temporary folder ${d}`));
  return removed;
}

/** Runs the sweep and says on stderr what it removed (nothing when nothing was left). */
export async function sweepAndSay(command: string): Promise<void> {
  const removed = await sweepLeftovers();
  if (removed.length > 0) console.error(`prtip-perf ${command}: removed what a killed earlier run left behind: ${removed.join(', ')}`);
}

/** 128 + the signal's number, as a shell reports a process killed by it. */
export function exitStatusFor(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * For a command with nothing to finish on a signal: SIGINT, SIGTERM and SIGHUP exit
 * 128 + N through process.exit, so the exit hooks (namespaces, temp folders) still run.
 * Returns the remover.
 */
export function exitOnSignals(command: string): () => void {
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = (): void => {
      console.error(`prtip-perf ${command}: got ${signal}; stopped`);
      process.exit(exitStatusFor(signal));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => { for (const [s, h] of handlers) process.off(s, h); };
}
