/**
 * Headless Chromium for the report tests, only ever inside a network namespace of its own with
 * nothing but loopback: Chromium phones home (DNS for accounts.google.com,
 * update.googleapis.com) whatever its flags say. Without the privilege to make a namespace the
 * browser tests skip: never the host's network.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { type Namespace, canCreateNamespaces, createNamespace } from '../src/measure/netns.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or '' when they can. */
export function chromiumSkipReason(): string {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  const netns = canCreateNamespaces();
  return netns.ok ? '' : `Chromium runs only in a network namespace of its own, and none can be created here: ${netns.reason}`;
}

export interface ChromiumInNamespace {
  browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
  ns: Namespace;
  /** The browser's profile folder (--user-data-dir), unique to this browser. */
  profileDir: string;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile inside a new loopback-only namespace. */
export async function launchChromiumInNamespace(): Promise<ChromiumInNamespace> {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-'));
  const ns = await createNamespace();
  try {
    // playwright starts the executable it is given, talking to it over inherited pipes; a
    // wrapper that enters the namespace (ip netns exec execs, so the pipes pass through) puts
    // every Chromium process in it.
    const launcher = join(dir, 'chromium-in-netns.sh');
    const argv = ns.command([CHROMIUM]).map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    writeFileSync(launcher, `#!/bin/sh\nexec ${argv} "$@"\n`);
    chmodSync(launcher, 0o700);
    const profileDir = join(dir, 'data');
    const browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: launcher,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    return {
      browser, ns, profileDir,
      async close() {
        await browser.close();
        await ns.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await ns.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
