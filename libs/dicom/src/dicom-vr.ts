// Value representations, PS3.5 section 6.2.

/** VRs whose explicit-VR header carries 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
export const LONG_LENGTH_VRS: ReadonlySet<string> = new Set([
  'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV',
]);

/** Every VR PS3.5 Table 6.2-1 defines; an explicit-VR element with any other VR is malformed. */
export const KNOWN_VRS: ReadonlySet<string> = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV',
  'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);

/** VRs whose value is character data (PS3.5 6.2); these are the ones a PHI scan must read. */
export const TEXT_VRS: ReadonlySet<string> = new Set([
  'AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT',
]);

/** Free-text VRs that can carry arbitrary words, names included. */
export const FREE_TEXT_VRS: ReadonlySet<string> = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);

/** Text VRs whose value is not padded with a space but with NUL (PS3.5 6.2, UI). */
export function paddingByteFor(vr: string): number {
  return vr === 'UI' || vr === 'OB' || vr === 'UN' ? 0x00 : 0x20;
}

/** Size in bytes of one value of a fixed-size binary VR, or undefined for other VRs. */
export function binaryValueSize(vr: string): number | undefined {
  switch (vr) {
    case 'US':
    case 'SS':
      return 2;
    case 'UL':
    case 'SL':
    case 'FL':
    case 'AT':
      return 4;
    case 'FD':
    case 'SV':
    case 'UV':
      return 8;
    default:
      return undefined;
  }
}
