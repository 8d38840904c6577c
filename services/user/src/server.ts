import { createLogger, type Logger } from '@converge/runtime';
import type { RunningService } from '@converge/runtime-nest';
import { createApplication } from './application';
import { buildComponents } from './components';
import type { UserConfig } from './config';

export interface StartUserOptions {
  logger?: Logger;
  handleSignals?: boolean;
}

/** Builds the components and starts the user service on them (main.ts and in-process tests). */
export async function startUserService(config: UserConfig, o: StartUserOptions = {}): Promise<RunningService> {
  const logger = o.logger ?? createLogger('user', config.LOG_LEVEL);
  return createApplication(config, await buildComponents(config, logger), { handleSignals: o.handleSignals ?? true });
}
