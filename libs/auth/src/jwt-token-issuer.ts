import jwt from 'jsonwebtoken';
import { AccessTokenIssuer } from '@imagora/domain';
import { SigningKey } from './signing-key';

export const TOKEN_AUDIENCE = 'imagora';

export class JwtTokenIssuer implements AccessTokenIssuer {
  constructor(
    private readonly key: SigningKey,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  async issue(subject: { userId: string; username: string }): Promise<{ token: string; expiresInSeconds: number }> {
    const token = jwt.sign({ preferred_username: subject.username }, this.key.privateKey, {
      algorithm: 'ES256',
      keyid: this.key.kid,
      subject: subject.userId,
      issuer: this.issuer,
      audience: TOKEN_AUDIENCE,
      expiresIn: this.ttlSeconds,
    });
    return { token, expiresInSeconds: this.ttlSeconds };
  }

  async verify(token: string): Promise<string | undefined> {
    try {
      // Only ES256 with our public key: refuses `alg: none`, and HS256 "signed" with the public key.
      const payload = jwt.verify(token, this.key.publicKey, { algorithms: ['ES256'], issuer: this.issuer, audience: TOKEN_AUDIENCE });
      return typeof payload === 'object' && typeof payload.sub === 'string' ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}
