import { zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';

/**
 * Names `schema` as a component (`#/components/schemas/<name>`), wherever it appears. The library's
 * `registry.register(name, schema)` needs zod patched (extendZodWithOpenApi) before the schema is built,
 * and then names a copy, so a schema nested in another (a room in a room list) would stay inline; its own
 * metadata registry keyed by the schema itself names every use, and leaves zod and the protocol alone.
 */
export function nameComponent(name: string, schema: z.ZodType): void {
  const meta = zodToOpenAPIRegistry.get(schema);
  const current = meta?._internal?.refId;
  if (current === name) return;
  if (current !== undefined) throw new Error(`schema already named ${current}, not ${name}`);
  zodToOpenAPIRegistry.add(schema, { ...meta, _internal: { ...meta?._internal, refId: name } });
}
