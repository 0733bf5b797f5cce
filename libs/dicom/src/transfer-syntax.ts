// Transfer syntaxes, PS3.5 section 10 and PS3.6 Annex A.

export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
} as const;

export interface TransferSyntaxEncoding {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  /** PS3.5 A.5: everything after the file meta is deflated (RFC 1951, no zlib header). */
  readonly deflated: boolean;
}

/** Every transfer syntax other than implicit LE, explicit BE and deflated encodes the data set explicit VR LE. */
export function encodingOf(transferSyntaxUid: string): TransferSyntaxEncoding {
  switch (transferSyntaxUid) {
    case TransferSyntax.ImplicitVRLittleEndian:
      return { explicitVr: false, littleEndian: true, deflated: false };
    case TransferSyntax.ExplicitVRBigEndian:
      return { explicitVr: true, littleEndian: false, deflated: false };
    case TransferSyntax.DeflatedExplicitVRLittleEndian:
      return { explicitVr: true, littleEndian: true, deflated: true };
    default:
      return { explicitVr: true, littleEndian: true, deflated: false };
  }
}

/** A transfer syntax UID must be a UID of the DICOM root; anything else cannot be decoded safely. */
export function isPlausibleTransferSyntax(uid: string): boolean {
  return /^1\.2\.840\.10008\.1\.2(\.\d+)*$/.test(uid);
}
