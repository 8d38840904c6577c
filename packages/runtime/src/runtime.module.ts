import { Controller, type DynamicModule, Get, Global, Header, Inject, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import { HealthController, HealthRegistry } from './health';
import type { Metrics } from './metrics';

/** Injection tokens for what main.ts builds before Nest starts. */
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const CONFIG = Symbol('CONFIG');

@Controller()
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

export interface RuntimeModuleOptions {
  config: object;
  logger: Logger;
  metrics: Metrics;
}

/** Probes, /metrics, the logger, the metrics registry and the config, for every service. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(opts: RuntimeModuleOptions): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        HealthRegistry,
        { provide: LOGGER, useValue: opts.logger },
        { provide: METRICS, useValue: opts.metrics },
        { provide: CONFIG, useValue: opts.config },
      ],
      exports: [HealthRegistry, LOGGER, METRICS, CONFIG],
    };
  }
}
