/**
 * Per-run isolation for whole scanner runs: a fresh network namespace for every run
 * (with a veth pair into a second namespace of the harness's own for masscan, which
 * ignores lo), the service listeners started inside it, everything removed after the
 * run. Never the root namespace: without the privilege the caller skips.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNamespace, type Namespace } from '../netns.js';
import { scenarioArgv, type Scenario, type Tool } from '../scenarios.js';
import type { RunEnvironment } from './benchmark.js';

/** A self-signed certificate for the TLS listener (null without openssl: TLS is then left out). */
export interface TlsMaterial {
  cert: string;
  key: string;
  dispose(): void;
}

/** Makes a throwaway self-signed certificate with openssl, or null when openssl is missing. */
export function makeTlsMaterial(): TlsMaterial | null {
  const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-tls-'));
  const cert = join(dir, 'cert.pem'), key = join(dir, 'key.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore', timeout: 20_000 });
    return { cert, key, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

function listenerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const js = join(here, 'listeners.js');
  if (existsSync(js)) return js;
  // Running from src/ (vitest): use the compiled copy.
  return join(here, '..', '..', '..', 'dist', 'src', 'measure', 'runner', 'listeners.js');
}

/** Starts the HTTP/TLS/banner listeners inside `ns`; resolves once they listen. */
export async function startListeners(ns: Namespace, tls: TlsMaterial | null): Promise<ChildProcess> {
  const argv = ns.command([process.execPath, listenerScript(), ...(tls ? [tls.cert, tls.key] : [])]);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('listeners did not start within 10 s')), 10_000);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`listeners exited (${code}) before listening: ${err.trim()}`));
    });
  });
  return child;
}

async function stopListeners(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/**
 * The per-run environment for one tool in one scenario: a new namespace (plus peer and
 * veth for masscan), listeners when the scenario wants them, and the argv naming this
 * run's own interface. close() stops the listeners and removes the namespaces.
 */
export function scenarioEnvironment(scenario: Scenario, tool: Tool, binary: string, tls: TlsMaterial | null): () => Promise<RunEnvironment> {
  return async () => {
    const ns = await createNamespace({ veth: tool === 'masscan' });
    let listeners: ChildProcess | undefined;
    try {
      if (scenario.listeners) listeners = await startListeners(ns, tls);
      const targets = { ifname: ns.veth?.local.ifname ?? 'lo', peer4: ns.veth?.remote.address ?? '127.0.0.1', peerMac: (ns.veth?.remote as { mac?: string } | undefined)?.mac ?? '' };
      const a = scenarioArgv(scenario, tool, binary, targets);
      if ('none' in a) throw new Error(`${tool} has no ${scenario.id}: ${a.none}`);
      return {
        netnsPath: ns.path,
        command: { argv: a.argv, name: `${tool} ${scenario.id}` },
        close: async () => {
          if (listeners) await stopListeners(listeners);
          await ns.close();
        },
      };
    } catch (err) {
      if (listeners) await stopListeners(listeners);
      await ns.close();
      throw err;
    }
  };
}
