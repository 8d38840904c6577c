import type { OpenApiDocument } from './openapi.common';

/** One documented call, as a service test exercises it. */
export interface DocumentedOperation {
  method: string;
  /** The OpenAPI path, `{id}` style. */
  path: string;
  /** The path with every parameter filled in (a UUID, 1 for a seq, an emoji): a real URL to call. */
  sample: string;
  authenticated: boolean;
  statuses: string[];
}

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';
const SAMPLES: Record<string, string> = { seq: '1', emoji: encodeURIComponent('👍') };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every operation of an OpenAPI document, for tests that check a service serves what it documents. */
export function documentedOperations(doc: OpenApiDocument): DocumentedOperation[] {
  const out: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      out.push({
        method: method.toUpperCase(),
        path,
        sample: path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLES[name] ?? SAMPLE_ID),
        authenticated: (op.security ?? []).length > 0,
        statuses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return out;
}
