import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isUtf8 } from 'node:buffer';
import datasetSchema from '../../../schemas/dataset.schema.json';
import { IssueCode } from './issue-codes';
import type { IssueCollector } from './issue-collector';
import { excessNestingOffset } from './json-depth';
import { canonicalLicenseId, isAcceptedLicense } from './spdx-licenses';

export const DATASET_JSON = 'dataset.json';
// A manifest with a files[] list of 100,000 checksums is about 12 MB; beyond 64 MiB it is abuse.
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_MANIFEST_DEPTH = 16;

export interface ListedFile {
  readonly path: string;
  readonly sha256: string;
}

export interface DatasetManifest {
  readonly protocol?: string;
  readonly license?: string;
  // path → lower-case sha256 of the files dataset.json lists.
  readonly files: Map<string, string>;
}

let validateManifest: ValidateFunction | undefined;

function manifestValidator(): ValidateFunction {
  // Our own trusted schema: the native regex engine is fine (its lookaheads keep ".." out of paths).
  validateManifest ??= new Ajv2020({ allErrors: true, strict: true, logger: false }).compile(datasetSchema);
  return validateManifest;
}

/** Validates dataset.json text and returns what the rest of the run needs from it (never throws). */
export function checkDatasetManifest(bytes: Buffer, issues: IssueCollector, expectedProtocol: string): DatasetManifest {
  const empty: DatasetManifest = { files: new Map() };
  const report = (code: IssueCode, message: string, pointer?: string) => issues.add({ code, file: DATASET_JSON, pointer, message });
  if (!isUtf8(bytes)) {
    report(IssueCode.DATASET_JSON_INVALID, 'dataset.json is not valid UTF-8');
    return empty;
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (excessNestingOffset(text, MAX_MANIFEST_DEPTH) >= 0) {
    report(IssueCode.DATASET_JSON_INVALID, `dataset.json nests deeper than ${MAX_MANIFEST_DEPTH} levels`);
    return empty;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    report(IssueCode.DATASET_JSON_INVALID, `dataset.json is not JSON: ${(error as Error).message}`);
    return empty;
  }
  const validate = manifestValidator();
  if (!validate(value)) {
    for (const error of validate.errors ?? []) reportSchemaError(error, report);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return empty;
  const manifest = value as Record<string, unknown>;

  const license = typeof manifest.license === 'string' ? manifest.license : undefined;
  if (license !== undefined && !isAcceptedLicense(license)) {
    const canonical = canonicalLicenseId(license);
    report(
      IssueCode.DATASET_LICENSE,
      canonical
        ? `license "${license}" is spelt differently from the SPDX id "${canonical}"`
        : `license "${license}" is not a known SPDX id (use e.g. CC-BY-4.0, or LicenseRef-<name> for a licence SPDX does not list)`,
      '/license',
    );
  }
  const protocol = typeof manifest.protocol === 'string' ? manifest.protocol : undefined;
  if (protocol !== undefined && protocol !== expectedProtocol) {
    report(IssueCode.DATASET_PROTOCOL_MISMATCH, `dataset.json names protocol ${protocol} but the dataset is validated against ${expectedProtocol}`, '/protocol');
  }

  const files = new Map<string, string>();
  if (Array.isArray(manifest.files)) {
    for (const entry of manifest.files as unknown[]) {
      if (entry === null || typeof entry !== 'object') continue;
      const { path, sha256 } = entry as Record<string, unknown>;
      if (typeof path === 'string' && typeof sha256 === 'string' && /^[0-9a-fA-F]{64}$/.test(sha256)) files.set(path.replace(/^\.\//, ''), sha256.toLowerCase());
    }
  }
  return { protocol, license, files };
}

function reportSchemaError(error: ErrorObject, report: (code: IssueCode, message: string, pointer?: string) => void): void {
  if (error.keyword === 'additionalProperties') {
    const field = (error.params as { additionalProperty: string }).additionalProperty;
    const pointer = `${error.instancePath}/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    report(IssueCode.DATASET_UNKNOWN_FIELD, `unknown field "${field}"`, pointer);
    return;
  }
  if (error.instancePath === '/license' && error.keyword === 'pattern') {
    report(IssueCode.DATASET_LICENSE, 'license must be a single SPDX id (no spaces or operators)', '/license');
    return;
  }
  if (error.keyword === 'required') {
    // Point at the missing member itself: that is where the contributor has to add something.
    const field = (error.params as { missingProperty: string }).missingProperty;
    report(IssueCode.DATASET_SCHEMA, `${error.instancePath || 'dataset.json'} must have the field "${field}"`, `${error.instancePath}/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    return;
  }
  report(IssueCode.DATASET_SCHEMA, `${error.instancePath || 'dataset.json'} ${error.message ?? 'is invalid'}`, error.instancePath);
}
