// The stable issue codes of a validation report. A code never changes meaning once released: add a
// new one instead. README.md documents each (a test checks that every code here is in its table).

export type Severity = 'error' | 'warning' | 'info';

export enum IssueCode {
  // Layout and files
  DATASET_JSON_MISSING = 'DATASET_JSON_MISSING',
  DATASET_JSON_INVALID = 'DATASET_JSON_INVALID',
  DATASET_SCHEMA = 'DATASET_SCHEMA',
  DATASET_UNKNOWN_FIELD = 'DATASET_UNKNOWN_FIELD',
  DATASET_LICENSE = 'DATASET_LICENSE',
  DATASET_PROTOCOL_MISMATCH = 'DATASET_PROTOCOL_MISMATCH',
  DATASET_NO_IMAGES = 'DATASET_NO_IMAGES',
  DATASET_NO_ANNOTATIONS = 'DATASET_NO_ANNOTATIONS',
  FILE_SYMLINK_OUTSIDE = 'FILE_SYMLINK_OUTSIDE',
  FILE_SYMLINK = 'FILE_SYMLINK',
  FILE_UNREADABLE = 'FILE_UNREADABLE',
  FILE_UNEXPECTED = 'FILE_UNEXPECTED',
  FILE_PATH_UNSAFE = 'FILE_PATH_UNSAFE',
  FILE_DUPLICATE_PATH = 'FILE_DUPLICATE_PATH',
  CHECKSUM_MISMATCH = 'CHECKSUM_MISMATCH',
  CHECKSUM_FILE_MISSING = 'CHECKSUM_FILE_MISSING',
  // Annotation records (NDJSON / JSON arrays)
  ANNOTATION_INVALID_UTF8 = 'ANNOTATION_INVALID_UTF8',
  ANNOTATION_LINE_TOO_LONG = 'ANNOTATION_LINE_TOO_LONG',
  ANNOTATION_FILE_TOO_LARGE = 'ANNOTATION_FILE_TOO_LARGE',
  ANNOTATION_JSON_SYNTAX = 'ANNOTATION_JSON_SYNTAX',
  ANNOTATION_NOT_ARRAY = 'ANNOTATION_NOT_ARRAY',
  ANNOTATION_TOO_DEEP = 'ANNOTATION_TOO_DEEP',
  ANNOTATION_EMPTY_FILE = 'ANNOTATION_EMPTY_FILE',
  ANNOTATION_SCHEMA = 'ANNOTATION_SCHEMA',
  ANNOTATION_UNKNOWN_LABEL = 'ANNOTATION_UNKNOWN_LABEL',
  ANNOTATION_ODD_COORDINATES = 'ANNOTATION_ODD_COORDINATES',
  ANNOTATION_REFERENCE_MISSING = 'ANNOTATION_REFERENCE_MISSING',
  ANNOTATION_IMAGE_NOT_FOUND = 'ANNOTATION_IMAGE_NOT_FOUND',
  ANNOTATION_FRAME_OUT_OF_RANGE = 'ANNOTATION_FRAME_OUT_OF_RANGE',
  ANNOTATION_COORDINATE_OUT_OF_BOUNDS = 'ANNOTATION_COORDINATE_OUT_OF_BOUNDS',
  ANNOTATION_DUPLICATE_ID = 'ANNOTATION_DUPLICATE_ID',
  // DICOM files
  DICOM_NOT_DICOM = 'DICOM_NOT_DICOM',
  DICOM_TRUNCATED = 'DICOM_TRUNCATED',
  DICOM_MALFORMED = 'DICOM_MALFORMED',
  DICOM_HEADER_TOO_LARGE = 'DICOM_HEADER_TOO_LARGE',
  DICOM_NOT_PART10 = 'DICOM_NOT_PART10',
  DICOM_MISSING_SOP_INSTANCE_UID = 'DICOM_MISSING_SOP_INSTANCE_UID',
  DICOM_DUPLICATE_UID = 'DICOM_DUPLICATE_UID',
  DICOM_MODALITY = 'DICOM_MODALITY',
  DICOM_SOP_CLASS = 'DICOM_SOP_CLASS',
  DICOM_TRANSFER_SYNTAX = 'DICOM_TRANSFER_SYNTAX',
  DICOM_ATTRIBUTE_MISSING = 'DICOM_ATTRIBUTE_MISSING',
  DICOM_ATTRIBUTE_EMPTY = 'DICOM_ATTRIBUTE_EMPTY',
  DICOM_BURNED_IN_ANNOTATION = 'DICOM_BURNED_IN_ANNOTATION',
  DICOM_REFERENCE_UNRESOLVED = 'DICOM_REFERENCE_UNRESOLVED',
}

export interface IssueCodeInfo {
  readonly severity: Severity;
  readonly meaning: string;
  readonly fix: string;
}

// Default severity, meaning and fix of every code; the README table mirrors this catalogue.
export const ISSUE_CATALOGUE: Readonly<Record<IssueCode, IssueCodeInfo>> = {
  DATASET_JSON_MISSING: { severity: 'error', meaning: 'The dataset root has no dataset.json.', fix: 'Add dataset.json (see schemas/dataset.schema.json).' },
  DATASET_JSON_INVALID: { severity: 'error', meaning: 'dataset.json is not UTF-8 JSON, is larger than 1 MiB or nests too deep.', fix: 'Write dataset.json as a small UTF-8 JSON object.' },
  DATASET_SCHEMA: { severity: 'error', meaning: 'dataset.json violates schemas/dataset.schema.json (a missing or mistyped field).', fix: 'Correct the field at the pointer.' },
  DATASET_UNKNOWN_FIELD: { severity: 'warning', meaning: 'dataset.json has a field the schema does not define.', fix: 'Remove it, or check its spelling.' },
  DATASET_LICENSE: { severity: 'error', meaning: 'license is neither a known SPDX id nor a LicenseRef-… id.', fix: 'Use an SPDX id such as CC-BY-4.0, or LicenseRef-<name> for a custom licence (e.g. LicenseRef-TCIA-Restricted).' },
  DATASET_PROTOCOL_MISMATCH: { severity: 'error', meaning: 'dataset.json names a different protocol version than the one validated against.', fix: 'Validate against the protocol the dataset names, or correct its protocol field.' },
  DATASET_NO_IMAGES: { severity: 'error', meaning: 'The dataset holds no readable DICOM image.', fix: 'Put DICOM Part 10 files under images/.' },
  DATASET_NO_ANNOTATIONS: { severity: 'warning', meaning: 'The dataset holds no annotation record and no DICOM annotation object.', fix: 'Add annotations/*.ndjson (or SEG/SR/RTSTRUCT objects).' },
  FILE_SYMLINK_OUTSIDE: { severity: 'error', meaning: 'A symbolic link points outside the dataset root; it was not followed.', fix: 'Copy the file into the dataset instead of linking to it.' },
  FILE_SYMLINK: { severity: 'warning', meaning: 'A symbolic link inside the dataset; links are never followed.', fix: 'Replace the link by the file it points to.' },
  FILE_UNREADABLE: { severity: 'error', meaning: 'A file or folder could not be read (permissions, I/O error, vanished).', fix: 'Check permissions and that the file exists.' },
  FILE_UNEXPECTED: { severity: 'warning', meaning: 'A file outside the layout (dataset.json, images/**, annotations/*.ndjson|*.json|*.dcm); it is ignored.', fix: 'Move it into images/ or annotations/, or remove it.' },
  FILE_PATH_UNSAFE: { severity: 'error', meaning: 'An entry path is absolute, contains .. or a NUL byte.', fix: 'Use relative paths inside the dataset.' },
  FILE_DUPLICATE_PATH: { severity: 'error', meaning: 'Two entries of the stream have the same path; the second is skipped.', fix: 'Send each file once.' },
  CHECKSUM_MISMATCH: { severity: 'error', meaning: 'A file’s sha256 differs from the one dataset.json lists.', fix: 'Re-copy the file, or update its sha256 in dataset.json.' },
  CHECKSUM_FILE_MISSING: { severity: 'error', meaning: 'dataset.json lists a file that is not in the dataset.', fix: 'Add the file, or remove it from files[].' },
  ANNOTATION_INVALID_UTF8: { severity: 'error', meaning: 'A line (or JSON file) is not valid UTF-8.', fix: 'Re-encode the file as UTF-8.' },
  ANNOTATION_LINE_TOO_LONG: { severity: 'error', meaning: 'An NDJSON line is longer than the line limit (16 MiB by default); it was skipped unread.', fix: 'Split the record, or check for a missing newline.' },
  ANNOTATION_FILE_TOO_LARGE: { severity: 'error', meaning: 'A *.json array file is larger than the array limit (64 MiB by default).', fix: 'Use NDJSON (one record per line) for large files.' },
  ANNOTATION_JSON_SYNTAX: { severity: 'error', meaning: 'A line (or JSON file) is not JSON.', fix: 'Fix the JSON syntax on that line.' },
  ANNOTATION_NOT_ARRAY: { severity: 'error', meaning: 'A *.json annotation file is not a JSON array of records.', fix: 'Wrap the records in [ … ], or use NDJSON.' },
  ANNOTATION_TOO_DEEP: { severity: 'error', meaning: 'A record nests arrays/objects deeper than the depth limit (64); it was not validated.', fix: 'Flatten the record.' },
  ANNOTATION_EMPTY_FILE: { severity: 'warning', meaning: 'An annotation file holds no record.', fix: 'Remove the file or add its records.' },
  ANNOTATION_SCHEMA: { severity: 'error', meaning: 'A record violates the protocol’s annotation schema.', fix: 'Correct the value at the pointer (the message says which keyword failed).' },
  ANNOTATION_UNKNOWN_LABEL: { severity: 'error', meaning: 'The label id is not in the protocol’s label set.', fix: 'Use one of the protocol’s label ids.' },
  ANNOTATION_ODD_COORDINATES: { severity: 'error', meaning: 'Coordinates are not column,row pairs (an odd count).', fix: 'Give an even number of coordinates.' },
  ANNOTATION_REFERENCE_MISSING: { severity: 'error', meaning: 'The record names no image at the protocol’s sopInstanceUid pointer.', fix: 'Add the SOP Instance UID of the annotated image.' },
  ANNOTATION_IMAGE_NOT_FOUND: { severity: 'error', meaning: 'The referenced SOP Instance UID is not an instance of the dataset.', fix: 'Add the image, or correct the UID.' },
  ANNOTATION_FRAME_OUT_OF_RANGE: { severity: 'error', meaning: 'The frame number is not an integer in 1..NumberOfFrames of the image.', fix: 'Use a 1-based frame number the image has.' },
  ANNOTATION_COORDINATE_OUT_OF_BOUNDS: { severity: 'error', meaning: 'A coordinate lies outside 0..Columns (column) or 0..Rows (row) of the image, or is not a finite number.', fix: 'Use pixel coordinates inside the image.' },
  ANNOTATION_DUPLICATE_ID: { severity: 'error', meaning: 'Two records have the same id.', fix: 'Give each record a unique id.' },
  DICOM_NOT_DICOM: { severity: 'error', meaning: 'A file under images/ (or a .dcm file) is not DICOM.', fix: 'Remove it, or replace it by the DICOM file it should be.' },
  DICOM_TRUNCATED: { severity: 'error', meaning: 'The DICOM file ends inside an element.', fix: 'Re-copy the file; it was cut short.' },
  DICOM_MALFORMED: { severity: 'error', meaning: 'The DICOM file cannot be parsed with certainty (bad VR/length, file meta, transfer syntax, delimiters, nesting).', fix: 'Re-export the file from the modality or PACS.' },
  DICOM_HEADER_TOO_LARGE: { severity: 'error', meaning: 'The header before Pixel Data is larger than the header limit (64 MiB).', fix: 'Check the file; such headers are almost always corrupt.' },
  DICOM_NOT_PART10: { severity: 'error', meaning: 'The file lacks the Part 10 preamble, DICM prefix or file meta information.', fix: 'Write it as a DICOM Part 10 file (PS3.10 section 7).' },
  DICOM_MISSING_SOP_INSTANCE_UID: { severity: 'error', meaning: 'The file has no SOP Instance UID (0008,0018), so nothing can reference it.', fix: 'Re-export the file with its SOP Instance UID.' },
  DICOM_DUPLICATE_UID: { severity: 'error', meaning: 'Two files share a SOP Instance UID.', fix: 'Keep one copy of each instance.' },
  DICOM_MODALITY: { severity: 'error', meaning: 'The Modality (0008,0060) is not one the protocol allows.', fix: 'Remove the image, or use a protocol for this modality.' },
  DICOM_SOP_CLASS: { severity: 'error', meaning: 'The SOP Class UID (0008,0016) is not one the protocol allows.', fix: 'Remove the object, or use a protocol for this SOP class.' },
  DICOM_TRANSFER_SYNTAX: { severity: 'error', meaning: 'The Transfer Syntax UID (0002,0010) is not one the protocol allows.', fix: 'Transcode the image to an allowed transfer syntax.' },
  DICOM_ATTRIBUTE_MISSING: { severity: 'error', meaning: 'An attribute the protocol requires is absent.', fix: 'Re-export the image with the attribute.' },
  DICOM_ATTRIBUTE_EMPTY: { severity: 'error', meaning: 'An attribute the protocol requires is present but empty.', fix: 'Fill in the attribute.' },
  DICOM_BURNED_IN_ANNOTATION: { severity: 'warning', meaning: 'BurnedInAnnotation (0028,0301) is YES: the pixels may show identifying text (an error when the protocol sets rejectBurnedIn).', fix: 'Remove the image, or have a steward check its pixels.' },
  DICOM_REFERENCE_UNRESOLVED: { severity: 'error', meaning: 'A SEG, RTSTRUCT or SR references (0008,1155) an instance that is not in the dataset.', fix: 'Add the referenced instance, or remove the annotation object.' },
};

export function isIssueCode(value: unknown): value is IssueCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ISSUE_CATALOGUE, value);
}
