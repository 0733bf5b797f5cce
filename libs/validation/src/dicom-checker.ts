import { Tags, findElement, parseTag, type DicomElement, type DicomHeader } from '@imagora/dicom';
import type { ProtocolDocument } from '@imagora/protocols';
import { BoundedCounter } from './bounded-counter';
import { IssueCode } from './issue-codes';
import type { IssueCollector } from './issue-collector';
import type { ReferenceIndex } from './reference-index';

// SOP classes of annotation objects (PS3.4 Annex B.5): they reference images rather than being images,
// so the protocol's imaging rules (modality, SOP class, attributes, transfer syntax) do not apply to them.
const ANNOTATION_SOP_CLASS = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.(66\.4|66\.7|481\.3|88\.\d+|91\.1)$/;
const REQUIRED_META: ReadonlyArray<readonly [number, string]> = [
  [Tags.MediaStorageSOPClassUID, 'Media Storage SOP Class UID (0002,0002)'],
  [Tags.MediaStorageSOPInstanceUID, 'Media Storage SOP Instance UID (0002,0003)'],
  [Tags.TransferSyntaxUID, 'Transfer Syntax UID (0002,0010)'],
];
const ANNOTATION_MODALITIES = new Set(['SEG', 'SR', 'RTSTRUCT', 'ANN']);
const BURNED_IN_ANNOTATION = 0x00280301;

// rawText(element) is neither undefined nor '': a value with a byte other than NUL/space padding,
// tested on the bytes (this runs for every file, and decoding each value would allocate a string).
function hasText(element: DicomElement | undefined): boolean {
  const value = element?.value;
  if (!value) return false;
  for (let index = value.length - 1; index >= 0; index--) if (value[index] !== 0x20 && value[index] !== 0x00) return true;
  return false;
}

// A protocol's tag as the number header.has() would parse it to on every call; the text itself when it
// does not parse (header.has then throws as before: the linter's pattern makes that unreachable).
function requiredTag(text: string): { readonly text: string; readonly tag: string | number } {
  try {
    return { text, tag: parseTag(text) };
  } catch {
    return { text, tag: text };
  }
}

export function isAnnotationObject(header: Pick<DicomHeader, 'sopClassUid' | 'modality'>): boolean {
  return (header.sopClassUid !== undefined && ANNOTATION_SOP_CLASS.test(header.sopClassUid)) || (header.modality !== undefined && ANNOTATION_MODALITIES.has(header.modality));
}

/** Applies the protocol's imaging rules to a parsed header and indexes the instance. */
export class DicomChecker {
  readonly modalities = new BoundedCounter();
  readonly sopClasses = new BoundedCounter();
  images = 0;
  annotationObjects = 0;
  private readonly modalitiesAllowed?: ReadonlySet<string>;
  private readonly sopClassesAllowed?: ReadonlySet<string>;
  private readonly transferSyntaxesAllowed?: ReadonlySet<string>;
  private readonly requiredAttributes: ReadonlyArray<{ readonly text: string; readonly tag: string | number }>;
  private readonly rejectBurnedIn: boolean;

  constructor(
    protocol: ProtocolDocument,
    private readonly index: ReferenceIndex,
    private readonly issues: IssueCollector,
  ) {
    const imaging = protocol.imaging ?? {};
    this.modalitiesAllowed = imaging.modalities && new Set(imaging.modalities);
    this.sopClassesAllowed = imaging.sopClasses && new Set(imaging.sopClasses);
    this.transferSyntaxesAllowed = imaging.transferSyntaxes && new Set(imaging.transferSyntaxes);
    this.requiredAttributes = (imaging.requiredAttributes ?? []).map(requiredTag);
    this.rejectBurnedIn = protocol.deidentification?.rejectBurnedIn === true;
  }

  check(header: DicomHeader, file: string, fileId: number): void {
    const add = (code: IssueCode, message: string, tag?: string) => this.issues.add({ code, file, tag, message });
    if (!header.file.hasPreamble || !header.file.hasFileMeta) {
      add(IssueCode.DICOM_NOT_PART10, `not a DICOM Part 10 file: ${header.file.hasPreamble ? 'no file meta information' : 'no 128-byte preamble and DICM prefix'}`);
    } else {
      // PS3.10 7.1: these File Meta Information elements are Type 1.
      for (const [tag, name] of REQUIRED_META) {
        if (!hasText(findElement(header.file.meta, tag))) add(IssueCode.DICOM_NOT_PART10, `file meta information lacks ${name}`, tag.toString(16).toUpperCase().padStart(8, '0'));
      }
    }
    const annotationObject = isAnnotationObject(header);
    if (annotationObject) this.annotationObjects++;
    else this.checkImage(header, file, add);
    this.modalities.add(header.modality ?? '(none)');
    this.sopClasses.add(header.sopClassUid ?? '(none)');

    const uid = header.sopInstanceUid;
    if (!uid) {
      add(IssueCode.DICOM_MISSING_SOP_INSTANCE_UID, 'no SOP Instance UID (0008,0018)', '00080018');
    } else {
      const existing = this.index.addInstance(uid, {
        rows: header.rows ?? 0,
        columns: header.columns ?? 0,
        frames: header.numberOfFrames ?? 1,
        file: fileId,
        annotationObject,
      });
      if (existing) add(IssueCode.DICOM_DUPLICATE_UID, `SOP Instance UID ${uid} is also the UID of ${this.index.filePath(existing.file)}`, '00080018');
    }
    if (annotationObject) {
      for (const referenced of header.referencedSopInstanceUids) {
        if (referenced === uid) continue;
        // Resolved at the end: the referenced image may not have been read yet.
        this.index.pendObjectReference(referenced, fileId);
      }
    }
  }

  private checkImage(header: DicomHeader, file: string, add: (code: IssueCode, message: string, tag?: string) => void): void {
    this.images++;
    if (this.modalitiesAllowed && !(header.modality && this.modalitiesAllowed.has(header.modality))) {
      add(IssueCode.DICOM_MODALITY, `modality ${header.modality ?? '(none)'} is not one of ${[...this.modalitiesAllowed].join(', ')}`, '00080060');
    }
    if (this.sopClassesAllowed && !(header.sopClassUid && this.sopClassesAllowed.has(header.sopClassUid))) {
      add(IssueCode.DICOM_SOP_CLASS, `SOP class ${header.sopClassUid ?? '(none)'} is not one the protocol allows`, '00080016');
    }
    if (this.transferSyntaxesAllowed && !this.transferSyntaxesAllowed.has(header.transferSyntaxUid)) {
      add(IssueCode.DICOM_TRANSFER_SYNTAX, `transfer syntax ${header.transferSyntaxUid} is not one of ${[...this.transferSyntaxesAllowed].join(', ')}`, '00020010');
    }
    for (const { text: tag, tag: parsed } of this.requiredAttributes) {
      if (!header.has(parsed)) add(IssueCode.DICOM_ATTRIBUTE_MISSING, `required attribute (${tag.slice(0, 4)},${tag.slice(4)}) is missing`, tag);
      else if (!header.hasValue(parsed)) add(IssueCode.DICOM_ATTRIBUTE_EMPTY, `required attribute (${tag.slice(0, 4)},${tag.slice(4)}) is empty`, tag);
    }
    if (header.getString(BURNED_IN_ANNOTATION)?.toUpperCase() === 'YES') {
      this.issues.add({
        code: IssueCode.DICOM_BURNED_IN_ANNOTATION,
        severity: this.rejectBurnedIn ? 'error' : undefined,
        file,
        tag: '00280301',
        message: `BurnedInAnnotation is YES: the pixels may show identifying text${this.rejectBurnedIn ? ' and the protocol rejects such images' : ''}`,
      });
    }
  }
}
