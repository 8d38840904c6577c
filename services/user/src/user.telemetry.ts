import { Counter, type Logger, type Registry } from '@converge/runtime';
import type { AccountObserver } from './domain/ports';

/** What operators watch beyond request rates: sign-ups, login outcomes, refresh outcomes, reuse. */
export function userMetrics(registry: Registry) {
  return {
    registrations: new Counter({ name: 'user_registrations_total', help: 'Accounts created', registers: [registry] }),
    logins: new Counter({
      name: 'user_logins_total',
      help: 'Login attempts by outcome (ok, bad_credentials, throttled)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'user_token_refreshes_total',
      help: 'Refresh attempts by outcome (ok, unknown, expired, reuse_detected, no_account)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    reuseDetections: new Counter({
      name: 'user_refresh_token_reuse_detected_total',
      help: 'Spent refresh tokens presented again; each revoked a whole session family (stolen-token signal)',
      registers: [registry],
    }),
    deletions: new Counter({ name: 'user_deletions_total', help: 'Accounts deleted', registers: [registry] }),
  };
}

/**
 * Turns what the use cases report into counters and JSON log lines with fixed messages. Only ids and
 * outcomes reach here, so no password or token can end up in a log line from this path.
 */
export function accountTelemetry(logger: Logger, registry: Registry): AccountObserver {
  const m = userMetrics(registry);
  return {
    registered(userId) {
      m.registrations.inc();
      logger.info({ userId }, 'User registered');
    },
    login(outcome, userId) {
      m.logins.inc({ outcome });
      if (outcome === 'ok') logger.info({ userId }, 'User logged in');
      else logger.info({ outcome, ...(userId ? { userId } : {}) }, 'Login refused');
    },
    refresh(outcome, ids) {
      m.refreshes.inc({ outcome });
      if (outcome === 'reuse_detected') {
        m.reuseDetections.inc();
        logger.warn({ userId: ids?.userId, familyId: ids?.familyId }, 'Refresh token reuse detected; session family revoked');
      } else if (outcome === 'ok') logger.debug({ userId: ids?.userId }, 'Tokens refreshed');
      else logger.info({ outcome }, 'Refresh refused');
    },
    loggedOut(userId) {
      logger.info({ userId: userId ?? null }, 'User logged out');
    },
    updated(userId) {
      logger.info({ userId }, 'User updated');
    },
    deleted(userId) {
      m.deletions.inc();
      logger.info({ userId }, 'User deleted');
    },
  };
}
