#!/usr/bin/env node
// Builds the addon without downloading anything: node-gyp gets the headers of the
// Node that runs this script (--nodedir = its install prefix); cmake-js runs in
// Node-API mode on node-api-headers. Usage: node src/build-addon.mjs gyp|cmake
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const mode = process.argv[2] ?? 'gyp';
const prefix = dirname(dirname(process.execPath));
const headers = join(prefix, 'include', 'node');

function fail(message) {
  console.error(`prtip-perf: cannot build the addon: ${message}`);
  process.exit(1);
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.error) fail(`${cmd}: ${result.error.message}`);
  if (result.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${result.status}`);
}

for (const tool of ['make', 'g++']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) fail(`"${tool}" is not installed (apt-get install build-essential)`);
}

if (mode === 'gyp') {
  for (const file of ['node_api.h', 'common.gypi']) {
    if (!existsSync(join(headers, file))) {
      fail(`${join(headers, file)} is missing: node-gyp needs the headers of this Node (${process.execPath}); ` +
        'install the package that provides them (Debian: libnode-dev / nodejs headers) or a Node build that ships include/node');
    }
  }
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  // configure + build rather than rebuild: configure re-globs native/ (new files), build is incremental.
  run(process.execPath, [nodeGyp, 'configure', `--nodedir=${prefix}`, '--release']);
  run(process.execPath, [nodeGyp, 'build', `--nodedir=${prefix}`, '--release', '--jobs=max']);
} else if (mode === 'cmake') {
  if (spawnSync('cmake', ['--version'], { stdio: 'ignore' }).error) fail('"cmake" is not installed (apt-get install cmake)');
  let cmakeJs;
  try {
    cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
    require.resolve('node-api-headers');
  } catch {
    fail('cmake-js and node-api-headers are dev dependencies: run npm install first');
  }
  run(process.execPath, [cmakeJs, 'rebuild', '--config', 'Release']);
} else {
  fail(`unknown mode "${mode}" (expected gyp or cmake)`);
}
