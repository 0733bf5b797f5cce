export * from './errors';
export * from './config';
export * from './roles';
export * from './deid-option-names';
