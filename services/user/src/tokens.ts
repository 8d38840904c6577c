/** Injection tokens for objects server.ts builds before Nest starts. */
export const KEY_SET = Symbol('KEY_SET');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const REDIS = Symbol('REDIS');
export const NATS = Symbol('NATS');
export const RELAY = Symbol('RELAY');
export const RELAY_POOL = Symbol('RELAY_POOL');
