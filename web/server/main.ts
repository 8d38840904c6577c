// The web tier's process: `node web/dist-server/main.js` (PORT 3001 by default).
import { ConfigError, createLogger } from '@converge/runtime';
import { loadWebConfig } from './config';
import { startWebServer } from './web-server';

async function main(): Promise<void> {
  const config = loadWebConfig();
  const logger = createLogger(config.OTEL_SERVICE_NAME, config.LOG_LEVEL);
  await startWebServer(config, { logger });
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
