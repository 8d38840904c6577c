import { databaseUrl, ensureDatabase, withAdvisoryLock } from '@converge/runtime';
import { loadUserConfig } from './config';
import { createDataSource, MIGRATION_LOCK } from './persistence/data-source';

/** `make dev` and deploy jobs: create the database if missing and run pending migrations. */
async function migrate(): Promise<void> {
  const config = loadUserConfig({ JWT_KEY_FILE: 'unused', ...process.env });
  const url = databaseUrl(config);
  await ensureDatabase(url);
  const ds = createDataSource(url, 2, 'migrate');
  await ds.initialize();
  const ran = await withAdvisoryLock(url, MIGRATION_LOCK, () => ds.runMigrations({ transaction: 'each' }));
  console.log(JSON.stringify({ level: 'info', service: 'user', msg: 'Migrations applied', count: ran.length }));
  await ds.destroy();
}

migrate().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
