/**
 * Every ```ts block of README.md and docs/*.md (the README is a front page; the examples live
 * with their topics) is compiled under `strict` and `noUncheckedIndexedAccess`
 * against the built package,
 * imported as a user would ('prtip-perf' resolved through package.json's "types" and
 * "main"), and then run. Also checks sample()'s overloads: a synchronous function gives a
 * SampleResult, an async one a Promise (the README's example failed with 5 × TS2339).
 * A block whose first line begins with NOT_RUN (say, one that needs two prtip builds) is
 * compiled like the others but not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../src/measure/counters.js';
import { packageRoot } from '../src/core/native.js';

const root = packageRoot();
const built = existsSync(join(root, 'dist', 'src', 'index.d.ts')) && existsSync(join(root, 'build', 'Release', 'prtip_perf.node'));
// The examples count raw_syscalls:sys_enter and assert on it: without tracepoints (no root, no tracefs)
// they still compile, but are not run (their counts would be null by design).
const syscallsTracepoint = built ? listEvents().find((e) => e.name === 'raw_syscalls:sys_enter') : undefined;
const runSkip = syscallsTracepoint?.supported === true ? '' : `raw_syscalls:sys_enter is not countable here (${syscallsTracepoint?.reason ?? 'addon not built'})`;
if (runSkip) console.log(`README examples are compiled but not run: ${runSkip}`);

/** First line of an example that is compiled but not run, followed by why. */
export const NOT_RUN = '// compiled, not run:';

/** The ```ts blocks of a Markdown text, in order. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** README.md and every docs/*.md, in a fixed order: the Markdown files whose examples are checked. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join(root, 'docs', f));
  return [join(root, 'README.md'), ...docs];
}

/** A folder in which `import 'prtip-perf'` and `import 'tinybench'` resolve as in a user's project. */
function userProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-readme-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'prtip-perf'), 'dir');
  for (const dep of ['tinybench', '@types']) symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
  return dir;
}

function compile(dir: string, files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    // common in strict projects: an index may be undefined unless the type says which keys exist
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    typeRoots: [join(dir, 'node_modules', '@types')],
    skipLibCheck: true,
    outDir: join(dir, 'out'),
    rootDir: dir,
  });
  const emitted = program.emit();
  return [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((d) => {
    const where = d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe.skipIf(!built)('README examples', () => {
  const blocks = documentationFiles().flatMap((file) => tsBlocks(readFileSync(file, 'utf8')));
  let dir = '';
  let diagnostics: string[] = [];
  beforeAll(() => {
    dir = userProject();
    const files = blocks.map((code, i) => {
      const file = join(dir, `example-${i + 1}.ts`);
      writeFileSync(file, code);
      return file;
    });
    // sample()'s overloads, each line a claim the compiler checks; @ts-expect-error fails if the error goes away.
    const overloads = join(dir, 'overloads.ts');
    writeFileSync(overloads, [
      "import { type SampleResult, sample } from 'prtip-perf';",
      "const events = ['task-clock'];",
      'export const s: SampleResult = sample(() => 1, { events });',
      'export const v: SampleResult = sample((): void => {}, { events });',
      'export const p: Promise<SampleResult> = sample(async () => 1, { events });',
      'export const q: Promise<SampleResult> = sample(() => new Promise<void>((r) => r()), { events });',
      '// @ts-expect-error an async function does not give a SampleResult',
      'export const wrong: SampleResult = sample(async () => 1, { events });',
      '// @ts-expect-error a function typed unknown may be either',
      'export const unknownFn: SampleResult = sample((() => 1) as () => unknown, { events });',
      '// @ts-expect-error nor one returning any (JSON.parse)',
      "export const anyFn: SampleResult = sample(() => JSON.parse('1'), { events });",
      's.counters.x?.median; v.wallNs.median;',
      // The event names carry through: exactly those keys, never undefined; others are errors.
      "export const known = sample(() => 1, { events: ['task-clock', 'page-faults'] as const });",
      'known.counters["page-faults"].median; known.counters["task-clock"].state;',
      '// @ts-expect-error an event that was not asked for',
      'known.counters["cycles"];',
      "export const inline = sample(() => 1, { events: ['task-clock'] });",
      "inline.counters['task-clock'].median;",
      "export const later: Promise<SampleResult<'task-clock'>> = sample(async () => 1, { events: ['task-clock'] });",
      '// counters keyed by string stay possibly undefined (no key is known)',
      '// @ts-expect-error',
      's.counters.x.median;',
      "import { Bench } from 'tinybench';",
      "import { CountedBench, openCounters } from 'prtip-perf';",
      "const cb = new CountedBench(new Bench(), ['page-faults']).add('a', () => 1).add('b', () => 2);",
      'export async function tasks(): Promise<void> {',
      '  const r = await cb.run();',
      "  r.byTask.a.perOp['page-faults']; r.byTask.b.netPerOp['page-faults']; r.map((t) => t.task);",
      '  // @ts-expect-error a task name that was not added with cb.add() may be missing',
      '  r.byTask.c.perOp;',
      '}',
      "const g = openCounters(['task-clock']);",
      "g.delta(g.snapshot(), g.snapshot())['task-clock'].value;",
    ].join('\n'));
    diagnostics = compile(dir, [...files, overloads]);
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has TypeScript examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of blocks) expect(b).toMatch(/from 'prtip-perf'/);
  });

  it('compiles every one under strict, and sample()\'s overloads type as documented', () => {
    expect(diagnostics).toEqual([]);
  });

  const runnable = blocks.flatMap((b, i) => (b.startsWith(NOT_RUN) ? [] : [i + 1]));
  it.skipIf(runSkip !== '').each(runnable)('example %i runs as written', (n) => {
    expect(diagnostics).toEqual([]);
    const out = spawnSync(process.execPath, [join(dir, 'out', `example-${n}.js`)], { cwd: dir, encoding: 'utf8', timeout: 90_000 });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });
});
