/**
 * One self-rewriting status line for long runs ("[2/5 batch-size] batch 64 · 3 of 9 · 12.4 s").
 * Only on a terminal: piped output and CI logs get none of it, so they stay clean.
 */

/** The bit of a stream the progress line needs (process.stderr fits). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Options of ProgressLine. */
export interface ProgressOptions {
  stream?: ProgressStream;
  env?: Record<string, string | undefined>;
  /** Clock in ms (tests pass their own). */
  now?: () => number;
  /** Redraw at most this often, ms (default 100); the last step of a count always draws. */
  minIntervalMs?: number;
}

/** Whether progress should show: a TTY, and not in CI (CI set to anything but "false"/"0"). */
export function progressEnabled(stream: ProgressStream, env: Record<string, string | undefined> = process.env): boolean {
  const ci = env['CI'];
  const inCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  return stream.isTTY === true && !inCi;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The status line: `scope` is what runs (set per suite), `update` what it is doing now. */
export class ProgressLine {
  readonly enabled: boolean;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private scope = '';
  private scopeStarted = 0;
  private lastDraw = -Infinity;
  private shown = false;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.enabled = progressEnabled(this.stream, options.env ?? process.env);
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? 100;
  }

  /** Starts a new scope (e.g. "2/5 checksum"); elapsed time counts from here. */
  begin(scope: string): void {
    this.scope = scope;
    this.scopeStarted = this.now();
    this.lastDraw = -Infinity;
    this.update('starting');
  }

  /** What runs now, optionally "done of total". Throttled; never throws. */
  update(message: string, done?: number, total?: number): void {
    if (!this.enabled) return;
    const t = this.now();
    const last = done !== undefined && total !== undefined && done >= total;
    if (!last && t - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = t;
    this.draw(this.format(message, done, total, t - this.scopeStarted));
  }

  /** The line as it would be drawn (exposed for tests). */
  format(message: string, done: number | undefined, total: number | undefined, elapsedMs: number): string {
    const count = done !== undefined ? (total !== undefined ? ` · ${done} of ${total}` : ` · ${done}`) : '';
    return `${this.scope ? `[${this.scope}] ` : ''}${message}${count} · ${seconds(elapsedMs)}`;
  }

  /** Removes the line (call before printing anything else). */
  clear(): void {
    if (!this.enabled || !this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(text: string): void {
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const line = text.length > width ? text.slice(0, width - 1) + '…' : text;
    try {
      this.stream.write(`\r\x1b[2K${line}`);
      this.shown = true;
    } catch {
      // A closed terminal must not stop a benchmark.
    }
  }
}
