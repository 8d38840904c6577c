// Tracing first: its instrumentations patch http, express, pg and ioredis as they load.
import { startTracing } from '@converge/runtime/tracing';
const tracing = startTracing(process.env, 'user');

import { ConfigError } from '@converge/runtime';
import { loadUserConfig } from './config';
import { startUserService } from './server';

async function main(): Promise<void> {
  const config = loadUserConfig();
  const svc = await startUserService(config);
  svc.server.once('close', () => void tracing.shutdown());
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
