import { AppError } from '@converge/protocol';

/** Where a directory page ends: the last room's name (lower-cased, as the directory sorts) and id. */
export interface DirectoryKey {
  name: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The cursor is the keyset of the last room of a page, base64url JSON: stable while rooms are added
 * (a new room lands before or after the key, never shifting the pages already read) and needing no
 * server state.
 */
export function encodeCursor(key: DirectoryKey): string {
  return Buffer.from(JSON.stringify([key.name, key.id]), 'utf8').toString('base64url');
}

/** VALIDATION_FAILED for anything this service did not give out. */
export function decodeCursor(cursor: string): DirectoryKey {
  const bad = () => new AppError('VALIDATION_FAILED', 'cursor: not one this service gave');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad();
  const [name, id] = parsed as unknown[];
  if (typeof name !== 'string' || typeof id !== 'string' || !UUID.test(id) || name.length > 400) throw bad();
  return { name, id };
}

/** The search as the directory compares it: trimmed and lower-cased (the index is on lower(name)). */
export function searchPrefix(search: string | undefined): string {
  return (search ?? '').trim().toLowerCase();
}
