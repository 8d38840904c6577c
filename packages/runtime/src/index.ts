// The framework-free core. Tracing is its own entry point (`@converge/runtime/tracing`): it must load
// before anything it instruments, so it is never pulled in through this index.
export * from './config';
export * from './http-exposure-config';
export * from './logger';
export * from './log-safe-error';
export * from './metrics';
export * from './metrics-server';
export * from './request-observer';
export * from './health';
export * from './http-errors';
export * from './shutdown';
export * from './trust-proxy';
export * from './redis';
export * from './redis-auth';
export * from './nats';
export * from './nats-subscription-loop';
export * from './outbox';
export * from './trace-context';
export * from './pg-pool';
export * from './pg-errors';
export * from './pg-evicting-pool';
