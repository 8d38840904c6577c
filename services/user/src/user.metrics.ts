import { Counter, type Registry } from '@converge/runtime';

/** What operators watch beyond request rates: sign-ups, login outcomes, refresh outcomes (reuse!). */
export function userMetrics(registry: Registry) {
  return {
    registrations: new Counter({ name: 'user_registrations_total', help: 'Accounts created', registers: [registry] }),
    logins: new Counter({
      name: 'user_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'user_token_refreshes_total',
      help: 'Refresh attempts by outcome (reuse_detected revokes a session family)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}
