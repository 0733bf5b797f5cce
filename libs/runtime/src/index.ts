export * from './runtime';
export * from './logger';
export * from './access-use-cases';
export * from './version';
