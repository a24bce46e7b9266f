/**
 * Checks a bench result against src/model/bench-result.schema.json with Ajv (a dev
 * dependency: tests and CI use this; the bench itself never needs it).
 *   node dist/src/model/schema-check.js results/bench.json
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { benchResultSchemaPath } from './json.js';

/** RFC 3339 date-time, the one format the schema uses (Ajv leaves formats to plugins). */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i;

/** The schema's violations in `value` ("" path = root), empty when it conforms. */
export async function schemaErrors(value: unknown): Promise<string[]> {
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('date-time', DATE_TIME);
  const validate = ajv.compile(JSON.parse(readFileSync(benchResultSchemaPath(), 'utf8')) as object);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node dist/src/model/schema-check.js RESULT.json');
    process.exitCode = 2;
  } else {
    const errors = await schemaErrors(JSON.parse(readFileSync(file, 'utf8')));
    if (errors.length === 0) console.log(`${file}: valid against ${benchResultSchemaPath()}`);
    else console.error(`${file}: ${errors.length} schema error(s):\n  ${errors.join('\n  ')}`);
    process.exitCode = errors.length === 0 ? 0 : 1;
  }
}
