// The NestJS side of the runtime: what a Nest service adds on top of the framework-free @converge/runtime.
export * from './injection-tokens';
export * from './runtime.module';
export * from './health.controller';
export * from './error-handlers';
export * from './nest-logger';
export * from './bootstrap';
export * from './graphql';
export * from './graphql-limits';
export * from './cors';
export * from './body-limit';
export * from './graphql-metrics';
