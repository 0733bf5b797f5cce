export * from './signing-key';
export * from './jwt-token-issuer';
export * from './scrypt-password-hasher';
export * from './api-key-secrets';
export * from './auth.decorators';
export * from './bearer.strategy';
export * from './auth.guard';
export * from './jws-protocol-signer';
