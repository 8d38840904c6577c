import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultValues } from './defaults';
import { valuesSchema } from './schema';
import type { Schema } from './schema-builders';

function walk(value: unknown, schema: Schema | undefined, path: string, problems: string[]): void {
  if (!schema) return void problems.push(`${path}: not in the schema`);
  if (typeof schema.description !== 'string' || schema.description.length === 0) problems.push(`${path}: no description`);
  const isMap = schema.type === 'object' && schema.properties !== undefined;
  if (isMap) {
    if (schema.additionalProperties !== false) problems.push(`${path}: object not closed`);
    const props = schema.properties as Record<string, Schema>;
    for (const k of Object.keys(props)) if (!(k in (value as object))) problems.push(`${path}.${k}: in the schema, not in values`);
    for (const [k, v] of Object.entries(value as object)) walk(v, props[k], `${path}.${k}`, problems);
  }
}

test('every value has a described schema entry, and every schema object is closed', () => {
  const problems: string[] = [];
  walk(defaultValues, valuesSchema, 'values', problems);
  assert.deepEqual(problems, []);
});
