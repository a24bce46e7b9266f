// Placeholder until its issue lands; replaced by the real suite.
import type { SuiteResult } from '../src/report/result.js';
import { type Suite, runIfMain } from './suite.js';

export const suite: Suite = {
  name: 'batch-size',
  title: 'sendmmsg batch size',
  run: async (): Promise<SuiteResult> => ({
    suite: 'batch-size', title: 'sendmmsg batch size', status: 'skipped', reason: 'not built yet', durationMs: 0, tables: [], metrics: [], claims: [], warnings: [],
  }),
};

await runIfMain(import.meta.url, suite);
