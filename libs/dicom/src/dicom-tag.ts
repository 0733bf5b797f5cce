// Tags are handled as unsigned 32-bit numbers (group << 16 | element) so comparisons and sorting are cheap.

/** Parses `0010,0010`, `(0010,0010)`, `00100010` or `0x00100010` into a numeric tag. */
export function parseTag(text: string): number {
  const hex = text.replace(/^0x/i, '').replace(/[(),\s]/g, '');
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) {
    throw new RangeError(`not a DICOM tag: "${text}" (expected 8 hexadecimal digits, e.g. 00100010)`);
  }
  return parseInt(hex, 16) >>> 0;
}

export function tagGroup(tag: number): number {
  return tag >>> 16;
}

export function tagElement(tag: number): number {
  return tag & 0xffff;
}

export function makeTag(group: number, element: number): number {
  return ((group << 16) | element) >>> 0;
}

/** Formats a tag as 8 upper-case hex digits (`00100010`), the form the DICOM JSON model uses. */
export function formatTag(tag: number): string {
  return tag.toString(16).toUpperCase().padStart(8, '0');
}

/** Formats a tag as `(0010,0010)` for messages. */
export function formatTagParenthesised(tag: number): string {
  const hex = formatTag(tag);
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** PS3.5 7.8: odd groups are private (groups 0001, 0003, 0005, 0007 and FFFF are not allowed at all). */
export function isPrivateTag(tag: number): boolean {
  return (tagGroup(tag) & 1) === 1;
}

/** PS3.5 7.8.1: (gggg,0010-00FF) in a private group reserves a block and names its creator. */
export function isPrivateCreator(tag: number): boolean {
  const element = tagElement(tag);
  return isPrivateTag(tag) && element >= 0x0010 && element <= 0x00ff;
}

/** Group length elements (gggg,0000) are retired outside group 0002 (PS3.5 7.2). */
export function isGroupLength(tag: number): boolean {
  return tagElement(tag) === 0x0000;
}

/** Well-known tags used across the libraries. */
export const Tags = {
  FileMetaInformationGroupLength: 0x00020000,
  FileMetaInformationVersion: 0x00020001,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
  TransferSyntaxUID: 0x00020010,
  ImplementationClassUID: 0x00020012,
  ImplementationVersionName: 0x00020013,
  SpecificCharacterSet: 0x00080005,
  ImageType: 0x00080008,
  StudyDate: 0x00080020,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  Modality: 0x00080060,
  Manufacturer: 0x00080070,
  TimezoneOffsetFromUTC: 0x00080201,
  ReferencedSOPClassUID: 0x00081150,
  ReferencedSOPInstanceUID: 0x00081155,
  ManufacturerModelName: 0x00081090,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  IssuerOfPatientID: 0x00100021,
  PatientSex: 0x00100040,
  PatientAge: 0x00101010,
  OtherPatientIDs: 0x00101000,
  OtherPatientIDsSequence: 0x00101002,
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethod: 0x00120063,
  DeidentificationMethodCodeSequence: 0x00120064,
  BodyPartExamined: 0x00180015,
  SliceThickness: 0x00180050,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  FrameOfReferenceUID: 0x00200052,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  BurnedInAnnotation: 0x00280301,
  LongitudinalTemporalInformationModified: 0x00280303,
  CodeValue: 0x00080100,
  CodingSchemeDesignator: 0x00080102,
  CodeMeaning: 0x00080104,
  EncryptedAttributesSequence: 0x04000500,
  FloatPixelData: 0x7fe00008,
  DoubleFloatPixelData: 0x7fe00009,
  PixelData: 0x7fe00010,
  Item: 0xfffee000,
  ItemDelimitationItem: 0xfffee00d,
  SequenceDelimitationItem: 0xfffee0dd,
} as const;

/** Top-level bulk pixel elements: never loaded, copied as byte ranges. */
export function isPixelDataTag(tag: number): boolean {
  return tag === Tags.PixelData || tag === Tags.FloatPixelData || tag === Tags.DoubleFloatPixelData;
}
