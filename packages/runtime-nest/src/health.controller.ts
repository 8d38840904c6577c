import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DRAINING_REPORT, HealthRegistry, runCheck } from '@converge/runtime';

/** /healthz and /readyz through terminus, over the core's registry: the same checks and timeout as plain http. */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly registry: HealthRegistry,
  ) {}

  /** Liveness: the process answers. Dependencies are not checked, so an outage never restarts pods. */
  @Get('healthz')
  @HealthCheck()
  live() {
    return this.health.check([async () => this.indicator.check('process').up({ pid: process.pid })]);
  }

  /** Readiness: every dependency answers and we are not draining; 503 names the failing part. */
  @Get('readyz')
  @HealthCheck()
  async ready() {
    if (this.registry.draining) throw new ServiceUnavailableException(DRAINING_REPORT);
    return this.health.check(
      this.registry.entries().map(([name, check]) => async () => {
        const session = this.indicator.check(name);
        const r = await runCheck(check);
        return r.status === 'up' ? session.up() : session.down({ message: r.message });
      }),
    );
  }
}
