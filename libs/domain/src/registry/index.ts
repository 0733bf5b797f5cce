export * from './registry.types';
export * from './registry.ports';
export * from './registry-refs';
export * from './author-protocols.use-case';
export * from './read-protocols.use-case';
