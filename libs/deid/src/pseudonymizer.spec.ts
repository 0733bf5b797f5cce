import { DeidErrorCode } from '@imagora/core';
import { Pseudonymizer, shiftDate, shiftDateTime } from './pseudonymizer';

const key = Buffer.alloc(32, 9);
const patient = { patientId: '12345', issuerOfPatientId: 'HOSP', patientName: 'DOE^JANE' };

describe(Pseudonymizer.name, () => {
  it('maps a UID to 2.25 and a decimal of at most 39 digits without leading zeros', () => {
    expect(new Pseudonymizer(key).uid('1.2.3.4.5')).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
  });

  it('sets the UUID version 8 nibble and the RFC 9562 variant bits', () => {
    const hex = BigInt(new Pseudonymizer(key).uid('1.2.3.4.5').slice(5)).toString(16).padStart(32, '0');
    expect([hex[12], (parseInt(hex[16], 16) & 0xc).toString(2)]).toEqual(['8', '1000']);
  });

  it('gives the same UID for the same input and key in another instance', () => {
    expect(new Pseudonymizer(Buffer.from(key)).uid('1.2.3')).toBe(new Pseudonymizer(key).uid('1.2.3'));
  });

  it('keeps well-known DICOM UIDs', () => {
    expect(new Pseudonymizer(key).uid('1.2.840.10008.5.1.4.1.1.2')).toBe('1.2.840.10008.5.1.4.1.1.2');
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(() => new Pseudonymizer(Buffer.alloc(8))).toThrow(expect.objectContaining({ code: DeidErrorCode.INVALID_KEY }));
  });

  it('derives patient ID and name pseudonyms that differ from the originals and from each other', () => {
    const pseudonymizer = new Pseudonymizer(key);
    expect(new Set([pseudonymizer.patientId(patient), pseudonymizer.patientName(patient), patient.patientId]).size).toBe(3);
  });

  it('gives one patient one negative whole-day shift within the range', () => {
    const days = new Pseudonymizer(key, 100).dateShiftDays(patient);
    expect([days < 0, days >= -100, new Pseudonymizer(key, 100).dateShiftDays(patient)]).toEqual([true, true, days]);
  });
});

describe(shiftDate.name, () => {
  it('shifts across a leap day', () => {
    expect(shiftDate('20240301', -1)).toBe('20240229');
  });

  it('refuses an impossible date', () => {
    expect(shiftDate('20230230', 1)).toBeUndefined();
  });

  it('keeps the time part of a date-time', () => {
    expect(shiftDateTime('20200101123000.5+0100', -1)).toBe('20191231123000.5+0100');
  });
});
