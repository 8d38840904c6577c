export * from './ports';
export * from './processes';
export * from './database';
