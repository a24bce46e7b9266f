/**
 * The layers import one way (issue 22): dependency-cruiser checks every import of src/ and
 * bench/ against .dependency-cruiser.cjs. A second case plants an upward import in a scratch
 * tree and checks that the same rules refuse it, so the check cannot pass by matching nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(cwd: string, config: string, ...paths: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [depcruise, ...paths, '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8', timeout: 110_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('layers', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'prtip-perf-layers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('src/ and bench/ import only down the order core → model → measure → analyse → judge → report → cli', () => {
    const r = cruise(root, '.dependency-cruiser.cjs', 'src', 'bench');
    expect(r.out).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it('the rules refuse an upward import, a suite that reports and src/ importing bench/', () => {
    const file = (path: string, text: string): void => {
      mkdirSync(join(scratch, path, '..'), { recursive: true });
      writeFileSync(join(scratch, path), text);
    };
    file('src/report/table.ts', 'export const table = 1;\n');
    file('src/measure/counters.ts', "import { table } from '../report/table.ts';\nexport const n = table;\n");
    file('src/core/errors.ts', "import { n } from '../measure/counters.ts';\nexport const e = n;\n");
    file('bench/suites/x.bench.ts', "import { table } from '../../src/report/table.ts';\nexport const x = table;\n");
    file('src/model/result.ts', "import { x } from '../../bench/suites/x.bench.ts';\nexport const y = x;\n");
    // The project's rules without its tsconfig (the scratch files name their .ts directly).
    file('rules.cjs', `const c = require(${JSON.stringify(join(root, '.dependency-cruiser.cjs'))});\nmodule.exports = { forbidden: c.forbidden };\n`);
    const r = cruise(scratch, 'rules.cjs', 'src', 'bench');
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/measure-imports-down-only: src\/measure\/counters\.ts → src\/report\/table\.ts/);
    expect(r.out).toMatch(/core-imports-down-only: src\/core\/errors\.ts → src\/measure\/counters\.ts/);
    expect(r.out).toMatch(/suites-only-measure: bench\/suites\/x\.bench\.ts → src\/report\/table\.ts/);
    expect(r.out).toMatch(/src-never-imports-bench: src\/model\/result\.ts → bench\/suites\/x\.bench\.ts/);
  });
});
