import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DicomFile, DicomItem, lookupTag, parseDicom, scanDicomHeader } from '@imagora/dicom';
import { Deidentifier, parseDeidOptions, profileRowFor, resolveRow } from '@imagora/deid';
import { CatalogAttributes, DicomObjectProcessor, ObjectStoragePort, ProcessedDicom } from '@imagora/domain';
import { deidentifyPath, fileSource } from '../dicom-files/deidentify-path';

type ObjectRef = { bucket: string; key: string };

const PATIENT_IDENTITY_REMOVED = 0x00120062;
const DEIDENTIFICATION_METHOD = 0x00120063;
const DEIDENTIFICATION_METHOD_CODES = 0x00120064;

/**
 * DICOM work on stored objects. Each object is staged in a temporary file so that only headers are parsed
 * in memory and pixel data is copied in a few-MiB window: memory stays bounded whatever the object size.
 */
export class StoredDicomProcessor implements DicomObjectProcessor {
  private readonly deidentifiers = new Map<string, Deidentifier>();
  private readonly workDir = join(tmpdir(), `imagora-work-${process.pid}`);

  constructor(
    private readonly storage: ObjectStoragePort,
    private readonly pseudonymKey: Buffer,
  ) {}

  remapUid(uid: string): string {
    return this.deidentifier([]).remapUid(uid);
  }

  async deidentify(source: ObjectRef, target: ObjectRef, options: readonly string[]): Promise<ProcessedDicom> {
    return this.withStaged(source, async (input) => {
      const output = `${input}.out`;
      try {
        // The same per-file function as `imagora deid`: the output is verified against its input before it exists.
        const { flags } = deidentifyPath(this.deidentifier(options), input, output);
        const fd = fs.openSync(output, 'r');
        let catalog: CatalogAttributes;
        let size: number;
        try {
          size = fs.fstatSync(fd).size;
          catalog = catalogOf(scanDicomHeader(fileSource(fd, size)));
        } finally {
          fs.closeSync(fd);
        }
        const sha256 = await this.upload(output, target);
        return { sha256, size, flags: [...flags], catalog };
      } finally {
        fs.rmSync(output, { force: true });
      }
    });
  }

  async checkDeidentified(source: ObjectRef, options: readonly string[]): Promise<{ problems: string[]; processed: ProcessedDicom }> {
    return this.withStaged(source, async (input, size) => {
      const fd = fs.openSync(input, 'r');
      try {
        const file = parseDicom(fileSource(fd, size), { stopAtPixelData: true });
        const problems = standaloneProblems(file, options);
        const header = scanDicomHeader(fileSource(fd, size));
        const flags = header.getString('00120062')?.toUpperCase() === 'NO' ? ['burned-in-annotation-risk'] : [];
        return { problems, processed: { sha256: await sha256OfFile(input), size, flags, catalog: catalogOf(header) } };
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  async headerDiff(raw: ObjectRef, deidentified: ObjectRef, limit: number): Promise<Array<{ tag: string; keyword: string; before: string; after: string }>> {
    const [before, after] = await Promise.all([this.headerValues(raw), this.headerValues(deidentified)]);
    const tags = [...new Set([...before.keys(), ...after.keys()])].sort();
    const changes: Array<{ tag: string; keyword: string; before: string; after: string }> = [];
    for (const tag of tags) {
      const was = before.get(tag) ?? '';
      const now = after.get(tag) ?? '';
      if (was === now) continue;
      changes.push({ tag, keyword: lookupTag(parseInt(tag, 16))?.keyword ?? (parseInt(tag.slice(0, 4), 16) % 2 ? 'private' : 'unknown'), before: was, after: now });
      if (changes.length >= limit) break;
    }
    return changes;
  }

  private async headerValues(ref: ObjectRef): Promise<Map<string, string>> {
    return this.withStaged(ref, async (path, size) => {
      const fd = fs.openSync(path, 'r');
      try {
        const file = parseDicom(fileSource(fd, size), { stopAtPixelData: true });
        const values = new Map<string, string>();
        for (const element of file.dataset) {
          const tag = element.tag.toString(16).padStart(8, '0').toUpperCase();
          if (element.items) values.set(tag, `(sequence of ${element.items.length} item${element.items.length === 1 ? '' : 's'})`);
          else if (element.value && !/^(OB|OW|OF|OD|OL|OV|UN)$/.test(element.vr)) values.set(tag, element.value.toString('latin1').replace(/\0+$/, '').trim().slice(0, 200));
        }
        return values;
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  private deidentifier(options: readonly string[]): Deidentifier {
    const key = [...options].sort().join(',');
    let deidentifier = this.deidentifiers.get(key);
    if (!deidentifier) {
      deidentifier = new Deidentifier({ key: this.pseudonymKey, options });
      this.deidentifiers.set(key, deidentifier);
    }
    return deidentifier;
  }

  private async withStaged<T>(ref: ObjectRef, work: (path: string, size: number) => Promise<T>): Promise<T> {
    fs.mkdirSync(this.workDir, { recursive: true, mode: 0o700 });
    const path = join(this.workDir, randomUUID());
    try {
      await pipeline(await this.storage.getStream(ref.bucket, ref.key), fs.createWriteStream(path, { mode: 0o600 }));
      return await work(path, fs.statSync(path).size);
    } finally {
      fs.rmSync(path, { force: true });
    }
  }

  /** Read from disk as it is sent, hashed from disk too: no part of the file is held in memory. */
  private async upload(path: string, target: ObjectRef): Promise<string> {
    const sha256 = await sha256OfFile(path);
    await this.storage.putFile(target.bucket, target.key, path, 'application/dicom');
    return sha256;
  }
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(path), hash);
  return hash.digest('hex');
}

/** What a de-identified file must show on its own (upload --deid-local, and every stored output). */
function standaloneProblems(file: DicomFile, optionNames: readonly string[]): string[] {
  const options = parseDeidOptions(optionNames);
  const problems: string[] = [];
  const top = new Map(file.dataset.map((e) => [e.tag, e]));
  if (!top.has(PATIENT_IDENTITY_REMOVED)) problems.push('PatientIdentityRemoved (0012,0062) is missing');
  if (!top.has(DEIDENTIFICATION_METHOD) && !top.has(DEIDENTIFICATION_METHOD_CODES)) problems.push('DeidentificationMethod (0012,0063/0064) is missing');
  const keepSafePrivate = options.includes('retain-safe-private');
  const visit = (item: DicomItem, path: string) => {
    for (const element of item) {
      const group = element.tag >>> 16;
      const tag = element.tag.toString(16).padStart(8, '0').toUpperCase();
      if (group % 2 === 1 && !keepSafePrivate) problems.push(`private attribute ${path}${tag} is present`);
      const row = profileRowFor(element.tag);
      // PS3.15 Table E.1-1 action X: the attribute must not be there at all.
      if (row && resolveRow(row, options).action === 'remove') problems.push(`${row.keyword} (${tag}) must be removed`);
      element.items?.forEach((child, index) => visit(child, `${path}${tag}[${index}].`));
    }
  };
  visit(file.dataset, '');
  return problems;
}

function catalogOf(header: ReturnType<typeof scanDicomHeader>): CatalogAttributes {
  return {
    studyInstanceUid: header.studyInstanceUid ?? null,
    seriesInstanceUid: header.seriesInstanceUid ?? null,
    sopInstanceUid: header.sopInstanceUid ?? null,
    sopClassUid: header.sopClassUid ?? null,
    modality: header.modality ?? null,
    bodyPart: header.bodyPartExamined ?? null,
    manufacturer: header.manufacturer ?? null,
    manufacturerModel: header.manufacturerModelName ?? null,
    sex: header.patientSex ?? null,
    age: header.patientAge ?? null,
    sliceThickness: header.sliceThickness ?? null,
    rows: header.rows ?? null,
    columns: header.columns ?? null,
    frames: header.numberOfFrames ?? null,
    transferSyntax: header.transferSyntaxUid ?? null,
  };
}
