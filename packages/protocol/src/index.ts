export * from './errors';
export * from './primitives';
export * from './auth';
export * from './rooms';
export * from './messages';
export * from './socket';
export * from './events';
export * from './validate';
