/**
 * No top-level function (or top-level class method) in src/ or bench/ is longer than 100 lines
 * (issue 22): a long body is split at its seams (measure, tabulate, judge). Lengths come from
 * the TypeScript compiler's own parse, not from counting braces.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const MAX_LINES = 100;

/** Every top-level function, arrow or function expression bound at top level, and top-level class method, with its length in lines. */
function longFunctions(file: string, text: string): { name: string; lines: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getEnd()).line - sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const found: { name: string; lines: number }[] = [];
  const visit = (n: ts.Node, name: string): void => {
    if (lines(n) > MAX_LINES) found.push({ name, lines: lines(n) });
  };
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s)) visit(s, s.name?.text ?? '(default)');
    else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) visit(d, d.name.getText(sf));
      }
    } else if (ts.isClassDeclaration(s)) {
      for (const m of s.members) {
        if ((ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) && m.body) {
          visit(m, `${s.name?.text ?? '(class)'}.${m.name?.getText(sf) ?? 'constructor'}`);
        }
      }
    }
  }
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('function length', () => {
  it(`no top-level function in src/ or bench/ is longer than ${MAX_LINES} lines`, () => {
    const long = [...sources(join(root, 'src')), ...sources(join(root, 'bench'))].flatMap((f) => {
      const rel = relative(root, f);
      return longFunctions(rel, readFileSync(f, 'utf8')).map((x) => ({ ...x, id: `${rel} ${x.name}` }));
    });
    expect(long.map((x) => `${x.id}: ${x.lines} lines`)).toEqual([]);
  });

  it('finds a 101-line function, a long arrow and a long method; passes a 100-line one', () => {
    const body = (n: number): string => Array.from({ length: n - 2 }, (_, i) => `  x += ${i};`).join('\n');
    const text = [
      `function ok() {\n${body(100)}\n}`,
      `function tooLong() {\n${body(101)}\n}`,
      `const arrow = () => {\n${body(101)}\n};`,
      `class K {\n  method() {\n${body(101)}\n  }\n}`,
    ].join('\n');
    expect(longFunctions('synthetic.ts', text)).toEqual([
      { name: 'tooLong', lines: 101 },
      { name: 'arrow', lines: 101 },
      { name: 'K.method', lines: 101 },
    ]);
  });
});
