/**
 * What of an error may reach a log line. Drivers attach the statement's values to their errors
 * (TypeORM's QueryFailedError carries `parameters`, the argon2 hash of a registration among them;
 * PostgreSQL's `detail` repeats a failing row), and pino's default serializer copies every field.
 * So only named, harmless fields are kept, and strings are scrubbed of what looks like a secret.
 */

/** Fields of driver and system errors that say what failed without carrying any value. */
const SAFE_FIELDS = [
  'code',
  'errno',
  'syscall',
  'address',
  'port',
  'status',
  'statusCode',
  'type',
  'severity',
  'routine',
  'schema',
  'table',
  'column',
  'constraint',
  'dataType',
] as const;

// An argon2 PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash) and a JWT (three base64url parts).
const SECRET_PATTERNS = [/\$argon2(?:id|i|d)\$[^\s"'`,;)]*/g, /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g];

export function scrubSecrets(s: string): string {
  let out = s;
  for (const p of SECRET_PATTERNS) out = out.replace(p, '[redacted]');
  return out;
}

const MAX_DEPTH = 3;

/** pino serializer for `err`: type, message, stack, code-like fields and the cause, nothing else. */
export function safeError(e: unknown, depth = 0): unknown {
  if (typeof e === 'string') return scrubSecrets(e);
  if (e === null || typeof e !== 'object') return e;
  const src = e as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (e instanceof Error) {
    out.type = e.constructor?.name ?? e.name;
    out.message = scrubSecrets(String(e.message));
    if (e.stack) out.stack = scrubSecrets(e.stack);
  }
  for (const k of SAFE_FIELDS) {
    const v = src[k];
    if (typeof v === 'string') out[k] = scrubSecrets(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  if (depth < MAX_DEPTH) {
    if (src.cause !== undefined) out.cause = safeError(src.cause, depth + 1);
    if (Array.isArray(src.errors)) out.errors = src.errors.slice(0, 5).map((x) => safeError(x, depth + 1));
  }
  return out;
}
