// Tracing first: its instrumentations patch http, express, pg and ioredis as they load.
import { startTracing } from '@converge/runtime/dist/src/tracing';
const tracing = startTracing(process.env, 'chat');

import { ConfigError } from '@converge/runtime';
import { loadChatConfig } from './config';
import { startChatService } from './server';

async function main(): Promise<void> {
  const svc = await startChatService(loadChatConfig());
  svc.server.once('close', () => void tracing.shutdown());
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
