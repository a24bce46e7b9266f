/**
 * hyperfine's parameter scans: `-P VAR MIN MAX [-D STEP]` and `-L VAR a,b,c` give values
 * of VAR; every `{VAR}` in a command (and its name and hooks) is replaced by each value, and
 * each combination is benchmarked as a command of its own.
 */

/** One parameter and the values it takes, in order. */
export interface ParameterAxis {
  name: string;
  values: string[];
}

/** Most commands one scan may produce: each is at least one run of a process. */
export const MAX_PARAMETER_VALUES = 10_000;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function checkName(flag: string, name: string): void {
  if (!NAME.test(name)) throw new RangeError(`${flag}: the parameter name must be letters, digits, "_" or "-" (it is used as {NAME}), got "${name}"`);
}

function decimals(text: string): number {
  const m = /\.(\d+)$/.exec(text);
  return m ? m[1]!.length : 0;
}

/**
 * `-P VAR MIN MAX [-D STEP]`: MIN, MIN+STEP, … up to MAX. As in hyperfine, MIN and MAX are
 * whole numbers unless a STEP is given; values keep the decimals of MIN and STEP (0.3, 0.5, 0.7,
 * not 0.30000000000000004).
 */
export function scanAxis(name: string, min: string, max: string, step?: string): ParameterAxis {
  const flag = '-P/--parameter-scan';
  checkName(flag, name);
  const lo = Number(min), hi = Number(max), by = step === undefined ? 1 : Number(step);
  const number = (what: string, text: string, v: number): void => {
    if (text.trim() === '' || !Number.isFinite(v)) throw new RangeError(`${flag}: ${what} must be a number, got "${text}"`);
    if (step === undefined && !Number.isInteger(v)) throw new RangeError(`${flag}: ${what} must be a whole number unless -D/--parameter-step-size is given, got "${text}"`);
  };
  number('MIN', min, lo);
  number('MAX', max, hi);
  if (step !== undefined && (step.trim() === '' || !Number.isFinite(by) || by <= 0)) throw new RangeError(`-D/--parameter-step-size must be a number > 0, got "${step}"`);
  if (hi < lo) throw new RangeError(`${flag}: MAX (${max}) must be at least MIN (${min})`);
  const count = Math.floor((hi - lo) / by + 1e-9) + 1;
  if (count > MAX_PARAMETER_VALUES) throw new RangeError(`${flag}: ${min}..${max} in steps of ${by} gives ${count} values; at most ${MAX_PARAMETER_VALUES}`);
  const places = Math.max(decimals(min), step === undefined ? 0 : decimals(step));
  const values: string[] = [];
  for (let i = 0; i < count; i++) values.push(String(Number((lo + i * by).toFixed(places))));
  return { name, values };
}

/** `-L VAR a,b,c`: the listed values, in order. */
export function listAxis(name: string, list: string): ParameterAxis {
  const flag = '-L/--parameter-list';
  checkName(flag, name);
  const values = list.split(',');
  if (values.some((v) => v === '')) throw new RangeError(`${flag} ${name}: VALUES must be a comma-separated list without empty entries, got "${list}"`);
  if (values.length > MAX_PARAMETER_VALUES) throw new RangeError(`${flag} ${name}: at most ${MAX_PARAMETER_VALUES} values, got ${values.length}`);
  return { name, values };
}

/**
 * Every combination of the axes' values, the first axis varying fastest (hyperfine's order:
 * `-L n 1,2 -L s a,b` gives n=1,s=a; n=2,s=a; n=1,s=b; n=2,s=b). No axes: one empty combination.
 */
export function combinations(axes: readonly ParameterAxis[]): Record<string, string>[] {
  const names = new Set<string>();
  for (const a of axes) {
    if (names.has(a.name)) throw new RangeError(`parameter "${a.name}" is given twice`);
    names.add(a.name);
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_PARAMETER_VALUES) throw new RangeError(`the parameters give ${total} combinations; at most ${MAX_PARAMETER_VALUES}`);
  let out: Record<string, string>[] = [{}];
  for (const axis of axes) out = axis.values.flatMap((v) => out.map((p) => ({ ...p, [axis.name]: v })));
  return out;
}

/** `text` with every `{NAME}` of `params` replaced by its value (other braces are left alone). */
export function substitute(text: string, params: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [name, value] of Object.entries(params)) out = out.split(`{${name}}`).join(value);
  return out;
}
