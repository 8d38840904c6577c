export * from './ports';
export * from './processes';
export * from './database';
export * from './issuer';
export * from './service-process';
export * from './rest-client';
export * from './postgres-server';
export * from './redis-sentinel';
