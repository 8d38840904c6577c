import { Controller, Get, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

export type DependencyCheck = () => Promise<unknown>;

/** How long a dependency may take to answer a readiness probe before it counts as down. */
const CHECK_TIMEOUT_MS = 2000;

/** Process state that readiness reports: dependencies registered by modules, and whether we drain. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, DependencyCheck>();
  draining = false;

  add(name: string, check: DependencyCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, DependencyCheck][] {
    return [...this.checks.entries()];
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

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
    if (this.registry.draining) {
      throw new ServiceUnavailableException({
        status: 'error',
        error: { shutdown: { status: 'down', message: 'draining' } },
      });
    }
    return this.health.check(
      this.registry.entries().map(([name, check]) => async () => {
        const session = this.indicator.check(name);
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return session.up();
        } catch (e) {
          return session.down({ message: e instanceof Error ? e.message : String(e) });
        }
      }),
    );
  }
}
