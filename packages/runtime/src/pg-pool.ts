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
