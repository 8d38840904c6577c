import 'reflect-metadata';
import { createLogger, type Logger } from '@converge/runtime';
import { createApplication, type RunningChat } from './application';
import { buildComponents } from './components';
import type { ChatConfig } from './config';

export type { RunningChat } from './application';

export interface StartChatOptions {
  logger?: Logger;
  handleSignals?: boolean;
}

/** Builds the components and starts the chat service on them (main.ts and in-process tests). */
export async function startChatService(config: ChatConfig, o: StartChatOptions = {}): Promise<RunningChat> {
  const logger = o.logger ?? createLogger('chat', config.LOG_LEVEL);
  return createApplication(config, await buildComponents(config, logger), { handleSignals: o.handleSignals ?? true });
}
