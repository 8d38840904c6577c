import { Client, Pool } from 'pg';

export { Pool };

/** Creates the database named in `url` if it does not exist (dev and tests; in a cluster it exists). */
export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const db = decodeURIComponent(u.pathname.slice(1));
  if (!/^[a-zA-Z0-9_]+$/.test(db)) throw new Error(`refusing to create database with name ${JSON.stringify(db)}`);
  u.pathname = '/postgres';
  const client = new Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (!rowCount) await client.query(`CREATE DATABASE "${db}"`).catch((e: { code?: string }) => {
      // Two processes racing to create it: the loser sees duplicate_database.
      if (e.code !== '42P04') throw e;
    });
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn` while holding a PostgreSQL advisory lock on its own connection, so pods starting together
 * run migrations one at a time instead of racing on the same DDL.
 */
export async function withAdvisoryLock<T>(url: string, key: number, fn: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    return await fn();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await client.end();
  }
}
