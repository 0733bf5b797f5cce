import jwt from 'jsonwebtoken';
import { ProtocolSigner } from '@imagora/domain';
import { SigningKey } from './signing-key';

/**
 * Signs a published protocol version's content hash with the hub key, so a mirror can check where a
 * copy came from against this hub's JWKS (compact JWS, ES256, `kid` = the key's thumbprint).
 */
export class JwsProtocolSigner implements ProtocolSigner {
  constructor(
    private readonly key: SigningKey,
    private readonly issuer: string,
  ) {}

  async sign(claims: { name: string; version: string; sha256: string }): Promise<string> {
    return jwt.sign({ protocol: `${claims.name}@${claims.version}`, sha256: claims.sha256 }, this.key.privateKey, {
      algorithm: 'ES256',
      keyid: this.key.kid,
      issuer: this.issuer,
      subject: `imagora:protocol/${claims.name}@${claims.version}`,
      noTimestamp: false,
    });
  }
}
