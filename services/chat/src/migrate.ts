import { databaseUrl, ensureDatabase, withAdvisoryLock } from '@converge/runtime';
import { loadChatConfig } from './config';
import { MIGRATION_LOCK, runMigrations } from './persistence/data-source';

/** `make dev` and deploy jobs: create the database if missing and run pending migrations. */
async function migrate(): Promise<void> {
  const url = databaseUrl(loadChatConfig());
  await ensureDatabase(url);
  const count = await runMigrations(url, (fn) => withAdvisoryLock(url, MIGRATION_LOCK, fn));
  console.log(JSON.stringify({ level: 'info', service: 'chat', msg: 'Migrations applied', count }));
}

migrate().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
