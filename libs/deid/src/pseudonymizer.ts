import { KeyObject, createHmac, createSecretKey } from 'node:crypto';
import { DeidErrorCode, DomainError } from '@imagora/core';

// Keyed, deterministic pseudonyms that need no lookup table (shared/deid/README.md, "Pseudonyms that need no
// lookup table"). HMAC-SHA-256 keeps them unlinkable without the key: nobody can confirm a guessed original by
// hashing it. The same key gives the same pseudonyms in every file, run and submission.

export const MIN_KEY_BYTES = 16;

export interface PatientIdentity {
  readonly patientId: string;
  readonly issuerOfPatientId: string;
  readonly patientName: string;
}

/** UID roots that name standard things (PS3.6 Annex A): never pseudonymised. */
export function isWellKnownUid(uid: string): boolean {
  return uid.startsWith('1.2.840.10008.');
}

export class Pseudonymizer {
  // A KeyObject: createHmac with a Buffer key imports the key again on every call (a few thousand per run).
  private readonly key: KeyObject;
  private readonly uidCache = new Map<string, string>();

  constructor(key: Buffer | Uint8Array, private readonly dateShiftRangeDays = 3650) {
    if (key.length < MIN_KEY_BYTES) {
      throw new DomainError(DeidErrorCode.INVALID_KEY, `the de-identification key must be at least ${MIN_KEY_BYTES} bytes`);
    }
    if (!Number.isInteger(dateShiftRangeDays) || dateShiftRangeDays < 1 || dateShiftRangeDays > 36500) {
      throw new DomainError(DeidErrorCode.INVALID_OPTIONS, 'the date shift range must be 1..36500 days');
    }
    this.key = createSecretKey(Buffer.from(key));
  }

  private hmac(label: string, text: string): Buffer {
    return createHmac('sha256', this.key).update(`${label}\0${text}`, 'latin1').digest();
  }

  /**
   * UID → `2.25.<decimal>` (PS3.5 B.2): the first 16 bytes of HMAC(key, "uid\0" + uid) with the UUID version
   * nibble set to 8 and the RFC 9562 variant bits, written as an integer without leading zeros (≤ 39 digits).
   */
  uid(uid: string): string {
    if (uid === '' || isWellKnownUid(uid)) return uid;
    const cached = this.uidCache.get(uid);
    if (cached) return cached;
    const bytes = this.hmac('uid', uid).subarray(0, 16);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const result = `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
    if (this.uidCache.size > 100_000) this.uidCache.clear();
    this.uidCache.set(uid, result);
    return result;
  }

  /** The key a patient's pseudonyms and date shift derive from: issuer + ID, else the name. */
  patientKey(identity: PatientIdentity): string {
    if (identity.patientId !== '') return `${identity.issuerOfPatientId}|${identity.patientId}`;
    return `name|${identity.patientName}`;
  }

  /** PatientID pseudonym (LO): HMAC(key, "pid\0" + issuer + "|" + id). */
  patientId(identity: PatientIdentity): string {
    return `IMG${this.hmac('pid', this.patientKey(identity)).toString('hex', 0, 10).toUpperCase()}`;
  }

  /** PatientName pseudonym (PN): same patient key, another label, so name and ID do not reveal each other. */
  patientName(identity: PatientIdentity): string {
    return `IMAGORA^${this.hmac('pname', this.patientKey(identity)).toString('hex', 0, 6).toUpperCase()}`;
  }

  /** One whole-day offset per patient, 1..range days back (TCIA practice), derived from the key. */
  dateShiftDays(identity: PatientIdentity): number {
    const value = this.hmac('date', this.patientKey(identity)).readUInt32BE(0);
    return -(1 + (value % this.dateShiftRangeDays));
  }
}

const DAY_MS = 86_400_000;

/** Shifts a DA value (YYYYMMDD, or ACR-NEMA YYYY.MM.DD) by whole days; undefined when it is not a date. */
export function shiftDate(value: string, days: number): string | undefined {
  const compact = value.replace(/\./g, '');
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(compact);
  if (!match) return undefined;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const date = new Date(time);
  if (date.getUTCMonth() !== Number(match[2]) - 1 || date.getUTCDate() !== Number(match[3])) return undefined;
  const shifted = new Date(time + days * DAY_MS);
  const year = shifted.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  return `${String(year).padStart(4, '0')}${String(shifted.getUTCMonth() + 1).padStart(2, '0')}${String(shifted.getUTCDate()).padStart(2, '0')}`;
}

/** Shifts the date part of a DT value (PS3.5 6.2: YYYYMMDDHHMMSS.FFFFFF&ZZXX); times stay. */
export function shiftDateTime(value: string, days: number): string | undefined {
  if (!/^\d{8}/.test(value)) return undefined;
  const date = shiftDate(value.slice(0, 8), days);
  return date === undefined ? undefined : date + value.slice(8);
}
