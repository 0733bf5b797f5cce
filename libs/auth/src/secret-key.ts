import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const KEY_BYTES = 32;

/**
 * A 256-bit secret kept in a file readable by the hub only (the pseudonym key: UIDs, PatientIDs and date shifts
 * derive from it, so the same patient gets the same pseudonym in every submission and no lookup table is stored).
 */
export function loadOrCreateSecretKey(file: string): { key: Buffer; created: boolean } {
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length < 16) throw new Error(`${file} must hold a base64 key of at least 16 bytes`);
  return { key, created };
}
