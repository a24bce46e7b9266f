#!/usr/bin/env node
/**
 * prtip-perf: the command line. It lives beside the suites because it is the one file that imports
 * both the library (src/) and the suites (bench/): the library never imports its consumers.
 *   prtip-perf --version                 the package version
 *   prtip-perf events [--json]          what can be counted here, and why not
 *   prtip-perf stat [options] -- cmd…   perf stat -r for any command (see --help)
 *   prtip-perf bench [options]          every suite (the same as npm run bench)
 *   prtip-perf record [options] -- cmd… a sampled profile of one run (see --help)
 *   prtip-perf compare [options] OLD NEW did a build make prtip faster or slower (see --help)
 */
import { EXIT, packageVersion, UsageError } from '../src/cli/program.js';
import { PerfError } from '../src/core/errors.js';

const USAGE = `Usage: prtip-perf <command> [options]

commands:
  events [--json]            list every event with supported / unsupported and the reason
  stat [options] -- cmd ...  run a command repeatedly with counters on it (prtip-perf stat --help)
  bench [options]            run the benchmark suites (prtip-perf bench --help)
  record [options] -- cmd    a sampled profile of one run: kernel / user / by library (prtip-perf record --help)
  compare [options] OLD NEW  did NEW make prtip faster or slower? interleaved, with a null control (prtip-perf compare --help)

options:
  -V, --version              print the version (${packageVersion()})
  -h, --help                 this text

exit status: 0 ok, 1 a command or suite failed, 2 bad options, 3 a regression beyond --fail-on-regression (each command's --help says more)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'events':
      return (await import('../src/cli/commands/events.js')).eventsCommand(rest);
    case 'stat': {
      const { statCommand } = await import('../src/cli/commands/stat.js');
      return statCommand(rest);
    }
    case 'record':
      return (await import('../src/cli/commands/record.js')).recordCli(rest);
    case 'compare':
      return (await import('../src/cli/commands/compare.js')).compareCommand(rest);
    case 'bench': {
      const { benchCommand } = await import('./index.js');
      return benchCommand(rest);
    }
    case '-V':
    case '--version':
      console.log(packageVersion());
      return EXIT.ok;
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      console.error(`prtip-perf: unknown command "${command}"\n${USAGE}`);
      return EXIT.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof PerfError || err instanceof TypeError || err instanceof RangeError) {
      const code = err instanceof PerfError ? ` [${err.code}]` : '';
      console.error(`prtip-perf: ${err.message}${code}`);
    } else {
      console.error(err);
    }
    // A bad option or value is a usage error (2), as in bench; anything else is a failure (1).
    process.exitCode = err instanceof UsageError ? EXIT.usage : EXIT.failure;
  },
);
