export * from './catalog.types';
export * from './catalog.ports';
export * from './small-cell-suppression';
export * from './diversity-card';
export * from './search-catalog.use-case';
export * from './dataset-access.use-case';
export * from './cohorts.use-case';
