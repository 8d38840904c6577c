export * from './ports';
export * from './processes';
export * from './database';
export * from './issuer';
