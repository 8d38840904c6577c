import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthRegistry, type Logger, type Metrics } from '@converge/runtime';
import { HealthController } from './health.controller';
import { CONFIG, LOGGER, METRICS } from './injection-tokens';

export interface RuntimeModuleOptions {
  config: object;
  logger: Logger;
  metrics: Metrics;
  /** The registry the composition root fills and the drain flips; a fresh one when omitted. */
  health?: HealthRegistry;
}

/** Probes, the logger, the metrics registry and the config, for every service. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(opts: RuntimeModuleOptions): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: HealthRegistry, useValue: opts.health ?? new HealthRegistry() },
        { provide: LOGGER, useValue: opts.logger },
        { provide: METRICS, useValue: opts.metrics },
        { provide: CONFIG, useValue: opts.config },
      ],
      exports: [HealthRegistry, LOGGER, METRICS, CONFIG],
    };
  }
}
