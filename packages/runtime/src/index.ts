// The framework-free core. Tracing is its own entry point (`@converge/runtime/tracing`): it must load
// before anything it instruments, so it is never pulled in through this index.
export * from './config';
export * from './http-exposure-config';
export * from './logger';
export * from './metrics';
export * from './request-observer';
export * from './health';
export * from './http-errors';
export * from './shutdown';
export * from './trust-proxy';
export * from './redis';
export * from './nats';
export * from './outbox';
export * from './pg-pool';
