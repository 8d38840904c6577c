// @converge/operator: the API types and builders other workspaces (the chart) use.
export * from './api/postgres-cluster';
export * from './api/crd';
export * from './api/parameters';
export * from './builders/names';
export * from './agent/protocol';
export * from './redis/api/redis-sentinel';
export * from './redis/api/crd';
export * from './redis/builders/names';
