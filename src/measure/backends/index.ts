/**
 * The counter backends, in one list. sample(), CountedBench, `stat --counters` and
 * `bench --counters` look a backend up here by name; the valid names and the error for an
 * unknown one come from this list. Adding a backend: one file implementing CounterBackend
 * (./types.ts) and one line below.
 */
import { callgrindBackend } from './callgrind.js';
import { perfEventBackend } from './perf-event.js';
import type { CounterBackend } from './types.js';

export type { BackendStatus, BackendSwitch, BackendTasks, CommandCount, CommandCounting, CounterBackend, FloorCounters, TaskCounters } from './types.js';

const BACKENDS = [
  perfEventBackend, // the default: first
  callgrindBackend,
] as const;

/** The backends themselves, the default first. */
export const COUNTER_BACKEND_LIST: readonly CounterBackend<CounterBackendName>[] = BACKENDS;

/** A backend's name: the values `backend:` and `--counters` take. */
export type CounterBackendName = (typeof BACKENDS)[number]['name'];

/** The backends' names, the default first. */
export const COUNTER_BACKENDS: readonly CounterBackendName[] = BACKENDS.map((b) => b.name);

/** The backend used when none is named. */
export const DEFAULT_COUNTER_BACKEND: CounterBackendName = BACKENDS[0].name;

/** `"a" or "b"`, `"a", "b" or "c"`: the names for an error message. */
export function backendChoices(names: readonly string[] = COUNTER_BACKENDS): string {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** The backend named `name`; a RangeError naming `param` and the valid names otherwise. */
export function counterBackend(name: unknown, param = 'options.backend'): CounterBackend<CounterBackendName> {
  const found = BACKENDS.find((b) => b.name === name);
  if (found === undefined) throw new RangeError(`${param} must be ${backendChoices()}, got ${typeof name === 'string' ? `"${name}"` : typeof name}`);
  return found;
}

/** The backend `options.backend` names: the default when options or the field is absent. */
export function backendOf(options: unknown, param = 'options.backend'): CounterBackend<CounterBackendName> {
  if (options === null || typeof options !== 'object') return counterBackend(DEFAULT_COUNTER_BACKEND);
  const name = (options as { backend?: unknown }).backend;
  return counterBackend(name ?? DEFAULT_COUNTER_BACKEND, param);
}
