export * from './organization.repository';
export * from './user.repository';
export * from './membership.repository';
export * from './api-key.repository';
export * from './audit-log.repository';
export * from './protocol.repository';
export * from './dataset.repository';
export * from './submission.repository';
