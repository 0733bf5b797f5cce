import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { PasswordHasher } from '@imagora/domain';

// OWASP's Password Storage Cheat Sheet lists N=2^15, r=8, p=3 as equal in cost to N=2^17, r=8, p=1: the same
// work with 32 MiB instead of 128 MiB per hash. Not the 16 MiB of N=2^14, r=8, p=5: glibc serves a 16 MiB block
// from the arena of the libuv pool thread that hashes and keeps it after free, so every pool thread that ever
// hashed held 16 MiB for good (+64 MB RSS after four logins); a block over 32 MiB, glibc's largest mmap
// threshold, is always mapped on its own and returned to the system when the hash is done.
// Parameters are stored with each hash, so older hashes still verify and the cost can rise later.
const PARAMS = { N: 1 << 15, r: 8, p: 3, maxmem: 256 * 1024 * 1024 };
const KEY_LENGTH = 32;
/** Hashes computed at once: bounds their memory (2 × 32 MiB) under a burst of logins, which queue meanwhile. */
export const MAX_CONCURRENT_HASHES = 2;

/** Runs at most `limit` of the given tasks at once, the others in the order they came. */
export function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

const hashing = concurrencyLimit(MAX_CONCURRENT_HASHES);

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return hashing(() => new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)))));
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
