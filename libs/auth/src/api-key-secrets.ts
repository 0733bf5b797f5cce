import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKeySecrets } from '@imagora/domain';

// `imk_<id>_<secret>`: the id is public (listings, audit), the 256-bit secret is only ever stored hashed.
// A high-entropy random secret needs no slow hash: SHA-256 is enough and keeps API-key auth fast.
const PATTERN = /^imk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export class RandomApiKeySecrets implements ApiKeySecrets {
  generate(): { id: string; plaintext: string; secretHash: string } {
    const id = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    return { id, plaintext: `imk_${id}_${secret}`, secretHash: sha256(secret) };
  }

  parse(presented: string): { id: string; secret: string } | undefined {
    const match = PATTERN.exec(presented);
    return match ? { id: match[1], secret: match[2] } : undefined;
  }

  matches(secret: string, secretHash: string): boolean {
    const actual = Buffer.from(sha256(secret), 'hex');
    const expected = Buffer.from(secretHash, 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
