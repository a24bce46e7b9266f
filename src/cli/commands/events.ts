/** `prtip-perf events`: every event with supported / unsupported and the reason (perf list, with the why). */
import { listEvents, tracefsStatus } from '../../measure/counters.js';
import { EXIT, newCommand, parseCommandLine, UsageError } from '../program.js';

export function eventsCommand(argv: string[]): number {
  const parsed = parseCommandLine(
    newCommand('events', 'Lists every event with supported / unsupported and the reason.').option('--json', 'print them as JSON'),
    argv,
  );
  if (parsed.kind === 'print') {
    process.stdout.write(parsed.text);
    return EXIT.ok;
  }
  if (parsed.operands.length > 0) throw new UsageError(`events: takes no arguments, got "${parsed.operands[0]}" (see prtip-perf events --help)`);
  const json = parsed.options['json'] === true;
  const events = listEvents();
  // Listing probes the tracepoints, which mounts tracefs where it was missing and allowed: say so.
  const { note } = tracefsStatus();
  if (json) {
    process.stdout.write(JSON.stringify(events, null, 2) + '\n');
    if (note) process.stderr.write(`prtip-perf: ${note}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...events.map((e) => e.name.length));
  for (const e of events) {
    const state = e.supported ? 'supported' : 'unsupported';
    console.log(`${e.name.padEnd(width)}  ${e.kind.padEnd(14)}  ${state}${e.reason ? `  (${e.reason})` : ''}`);
  }
  if (note) console.log(`\nnote: ${note}`);
  return EXIT.ok;
}
