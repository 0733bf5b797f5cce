export * from './runtime';
export * from './logger';
export * from './access-use-cases';
export * from './version';
export * from './registry-use-cases';
export * from './seed-protocols';
export * from './submission-use-cases';
export * from './catalog-use-cases';
