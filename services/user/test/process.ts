// Runs the built user service as a child process, as a pod would (@converge/testing's spawnService).
import { join } from 'node:path';
import { type ServiceProcess, spawnService } from '@converge/testing';

export type { ServiceProcess } from '@converge/testing';

export function spawnUserService(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({ name: 'user service', entry: join(__dirname, '../src/main.js'), env });
}
