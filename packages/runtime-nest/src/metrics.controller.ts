import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Metrics } from '@converge/runtime';
import { METRICS } from './injection-tokens';

@Controller()
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
