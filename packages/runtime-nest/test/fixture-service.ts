// A minimal service built with the runtime, for runtime-nest's own integration tests.
import { Body, Controller, Get, Module, Post, Query, type DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { AppError, parseOrThrow } from '@converge/protocol';
import { baseConfigShape, createLogger, createMetrics, HealthRegistry, type Logger, parseConfig } from '@converge/runtime';
import { RuntimeModule } from '../src/runtime.module';
import { startService, type RunningService } from '../src/bootstrap';

@Controller()
class FixtureController {
  @Get('slow')
  async slow(@Query('ms') ms?: string): Promise<{ ok: true }> {
    fixtureState.slowStarted++;
    await new Promise((r) => setTimeout(r, Number(ms ?? 500)));
    return { ok: true };
  }

  /** How many slow requests the app has received: a test signals only once they are all in flight. */
  @Get('slow/started')
  started(): { started: number } {
    return { started: fixtureState.slowStarted };
  }

  @Post('echo')
  echo(@Body() body: unknown): { name: string } {
    return parseOrThrow(z.strictObject({ name: z.string().max(10) }), body);
  }

  @Get('conflict')
  conflict(): never {
    throw new AppError('RATE_LIMITED', 'slow down', undefined, 7);
  }

  @Get('boom')
  boom(): never {
    throw new Error('kaboom');
  }
}

export const fixtureState = { dependencyUp: true, slowStarted: 0 };

@Module({ controllers: [FixtureController] })
class FixtureModule {
  constructor(registry: HealthRegistry) {
    registry.add('fakedb', async () => {
      if (!fixtureState.dependencyUp) throw new Error('connection refused');
    });
  }
}

export function fixtureModule(logger: Logger, config: object, metrics: ReturnType<typeof createMetrics>): DynamicModule {
  return { module: FixtureModule, imports: [RuntimeModule.forRoot({ config, logger, metrics })] };
}

export async function startFixture(env: NodeJS.ProcessEnv, handleSignals: boolean): Promise<RunningService> {
  const config = parseConfig(z.object(baseConfigShape(0, 'fixture')), env);
  const logger = createLogger('fixture', config.LOG_LEVEL);
  const metrics = createMetrics('fixture');
  return startService({ module: fixtureModule(logger, config, metrics), config, logger, metrics, handleSignals });
}

if (require.main === module) {
  startFixture({ ...process.env, HOST: '127.0.0.1' }, true)
    .then((s) => process.send?.({ url: s.url }))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
