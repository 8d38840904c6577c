// Tracing first: its instrumentations patch http, express, pg and ioredis as they load.
import { startTracing } from '@converge/runtime/tracing';
const tracing = startTracing(process.env, 'chat');

import { ConfigError } from '@converge/runtime';
import { loadChatConfig } from './config';
import { startChatService } from './server';

// A library promise nobody awaited (a Redis publish during an outage, say) must not take down a
// process that holds hundreds of sockets: log it and carry on.
process.on('unhandledRejection', (reason) => {
  console.error(JSON.stringify({ level: 'error', service: 'chat', msg: 'Unhandled rejection', err: String(reason) }));
});

async function main(): Promise<void> {
  const svc = await startChatService(loadChatConfig());
  svc.server.once('close', () => void tracing.shutdown());
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
