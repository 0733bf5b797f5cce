import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { PasswordHasher } from '@imagora/domain';

// OWASP's Password Storage Cheat Sheet lists N=2^14, r=8, p=5 as equal in cost to N=2^17, r=8, p=1: the same
// work with 16 MiB instead of 128 MiB per hash, which keeps the hub's memory bounded under concurrent logins.
// Parameters are stored with each hash, so older hashes still verify and the cost can rise later.
const PARAMS = { N: 1 << 14, r: 8, p: 5, maxmem: 256 * 1024 * 1024 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export class ScryptPasswordHasher implements PasswordHasher {
  constructor(private readonly params: { N: number; r: number; p: number } = PARAMS) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, { ...this.params, maxmem: PARAMS.maxmem });
    return `scrypt$${this.params.N}$${this.params.r}$${this.params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    const expected = Buffer.from(parts[5], 'base64url');
    const key = await derive(password, Buffer.from(parts[4], 'base64url'), { N, r, p, maxmem: PARAMS.maxmem });
    return key.length === expected.length && timingSafeEqual(key, expected);
  }
}
