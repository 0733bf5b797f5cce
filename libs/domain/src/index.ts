export * from './access';
export * from './registry';
