/**
 * What every prtip-perf subcommand shares: commander set up the same way (help, --version,
 * errors that name the option), usage errors as exit status 2, and the package version.
 *
 * A new subcommand builds its parser with `newCommand()`, parses with `parseCommandLine()`
 * and returns `EXIT.usage` through a thrown UsageError; bench/cli.ts maps errors to statuses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, type Option } from 'commander';

/** Exit statuses shared by every subcommand: the one table (each command's --help says which it uses). */
export const EXIT = {
  ok: 0,
  /** The measured command failed, a suite failed, or the harness did. */
  failure: 1,
  /** Bad options or arguments (as bench, perf and most Unix tools use 2). */
  usage: 2,
  /** A regression beyond --fail-on-regression (bench, compare). */
  regression: 3,
  /** Ctrl-C (SIGINT); other signals give 128 + N (SIGHUP 129, SIGTERM 143). */
  interrupted: 130,
  terminated: 143,
} as const;

/** compare --bisect: what `git bisect run` expects. */
export const BISECT_EXIT = { good: 0, bad: 1, skip: 125 } as const;

/** A bad option or argument: the CLI prints the message and exits with EXIT.usage. */
export class UsageError extends RangeError {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
}

let version: string | undefined;
/** This package's version, from its package.json (found from src/ and from dist/src/ alike). */
export function packageVersion(): string {
  if (version !== undefined) return version;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'prtip-perf' && typeof pkg.version === 'string') return (version = pkg.version);
    }
    if (dirname(dir) === dir) throw new Error('prtip-perf: package.json not found above the CLI');
  }
}

/** A commander Command with prtip-perf's conventions: errors are thrown, never process.exit. */
export function newCommand(name: string, description: string): Command {
  return new Command(`prtip-perf ${name}`)
    .description(description)
    .helpOption('-h, --help', 'this text')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .configureHelp({ helpWidth: 100 })
    .exitOverride();
}

/** What parsing gave: options and operands to run with, or text to print (help, version). */
export type ParseOutcome =
  | { kind: 'run'; options: Record<string, unknown>; operands: string[] }
  | { kind: 'print'; text: string };

/**
 * Parses `argv` (the subcommand's arguments, without node and the command name). Help and
 * --version come back as text; a usage error becomes a UsageError naming the subcommand.
 */
export function parseCommandLine(command: Command, argv: readonly string[]): ParseOutcome {
  let out = '';
  command.configureOutput({ writeOut: (s) => void (out += s), writeErr: () => {} });
  try {
    command.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return { kind: 'print', text: out };
    const message = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    throw new UsageError(`${command.name().replace(/^prtip-perf /, '')}: ${message} (see ${command.name()} --help)`);
  }
  return { kind: 'run', options: command.opts(), operands: [...command.args] };
}

/**
 * An option value checker for commander: `check` returns the parsed value or throws; its
 * RangeError/TypeError message becomes commander's "option '-x' argument 'v' is invalid. …".
 */
export function checked<T>(check: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return check(value);
    } catch (err) {
      if (err instanceof RangeError || err instanceof TypeError) throw new InvalidArgumentError(err.message);
      throw err;
    }
  };
}

/** Collects every use of a repeatable option, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Joins the values of a multi-value option into one argument (see foldMultiValueOptions). */
export const VALUE_SEPARATOR = '\u0000';

/**
 * commander gives an option one value (or "all up to the next option"); hyperfine's
 * `-P VAR MIN MAX` and `-L VAR VALUES` take exactly three and two. Before commander parses,
 * each such flag's next `arity` arguments are joined into one (VALUE_SEPARATOR between them),
 * skipping the values of other options and stopping at "--". Returns the new argv and where
 * the real "--" (the end of options) is, or -1.
 */
export function foldMultiValueOptions(argv: readonly string[], options: readonly Option[], arity: Readonly<Record<string, number>>): { argv: string[]; endOfOptions: number } {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return { argv: [...out, ...argv.slice(i)], endOfOptions: out.length };
    out.push(arg);
    const option = options.find((o) => o.short === arg || o.long === arg);
    if (option === undefined) continue;
    const n = arity[option.long ?? ''] ?? 0;
    if (n > 1) {
      const values: string[] = [];
      while (values.length < n && i + 1 < argv.length && argv[i + 1] !== '--') values.push(argv[++i]!);
      out.push(values.join(VALUE_SEPARATOR));
    } else if (option.required && i + 1 < argv.length) {
      out.push(argv[++i]!); // this option's value, even if it looks like a flag or "--"
    }
  }
  return { argv: out, endOfOptions: -1 };
}

/** Splits a folded value; says how many the flag takes when the count is wrong. */
export function unfold(flag: string, value: string, names: readonly string[]): string[] {
  const parts = value.split(VALUE_SEPARATOR);
  if (parts.length !== names.length || parts.some((p) => p === '')) {
    throw new RangeError(`${flag} takes ${names.length} values, ${names.join(' ')}; got ${parts.filter((p) => p !== '').length}`);
  }
  return parts;
}
