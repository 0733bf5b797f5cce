export * from './access';
export * from './registry';
export * from './submissions';
export * from './shared/object-storage.port';
export * from './catalog';
