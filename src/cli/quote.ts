/**
 * argv shown as a POSIX shell would need it typed: `sh -c 'exit 3'`, not `sh -c exit 3`.
 * Arguments made only of characters a shell never treats specially are left bare; any
 * other is single-quoted, with each ' written as '\''.
 */
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument, quoted when the shell would otherwise split or expand it. */
export function shellQuoteArg(arg: string): string {
  if (BARE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A whole argv, each argument quoted as needed, joined by spaces. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(shellQuoteArg).join(' ');
}
