import { DomainError, SubmissionErrorCode } from '@imagora/core';
import { SubmissionFileKind } from './submission.types';

const MAX_PATH_BYTES = 1024;
// NUL and C0/DEL control characters: never part of a file name we accept.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;

/** A dataset-relative path: "/"-separated, no "..", ".", empty segments, absolute forms, NUL or control characters. */
export function assertDatasetPath(path: string): void {
  const refuse = (why: string) => {
    throw new DomainError(SubmissionErrorCode.INVALID_PATH, `"${path.slice(0, 200).replace(CONTROL_ALL, '?')}" ${why}`, { path: path.slice(0, 1024) });
  };
  if (typeof path !== 'string' || path.length === 0) refuse('is empty');
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) refuse(`is longer than ${MAX_PATH_BYTES} bytes`);
  if (CONTROL.test(path)) refuse('contains NUL or control characters');
  if (path.includes('\\')) refuse('contains a backslash (use "/")');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) refuse('is absolute');
  for (const segment of path.split('/')) {
    if (segment === '') refuse('has an empty segment');
    if (segment === '..' || segment === '.') refuse('contains "." or ".." segments');
  }
}

/** What a file is by its place in the dataset layout (DESIGN.md, "A contributed dataset on disk"). */
export function fileKindOf(path: string): SubmissionFileKind {
  if (path === 'dataset.json') return 'metadata';
  if (path.startsWith('images/')) return 'dicom';
  if (/^annotations\/[^/]+\.(ndjson|json)$/.test(path)) return 'annotation';
  return 'other';
}
