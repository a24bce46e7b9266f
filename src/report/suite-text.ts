/** A suite's result as the terminal shows it while the bench runs. */
import type { SuiteResult, Table } from '../model/result.js';
import { formatTable } from '../core/text.js';

/** Prints a suite's heading, tables and warnings. */
export function printSuite(result: SuiteResult): void {
  console.log(`\n== ${result.title} (${result.status}${result.reason ? `: ${result.reason}` : ''}) ==`);
  for (const table of result.tables) console.log(formatTable(table as Table));
  for (const w of result.warnings) console.log(`warning: ${w}`);
}
