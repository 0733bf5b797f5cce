import { DicomErrorCode, DomainError } from '@imagora/core';
import { formatTagParenthesised } from './dicom-tag';

/** Every parse failure is a DomainError with a DicomErrorCode, the byte offset and, when known, the tag. */
export function dicomError(code: DicomErrorCode, message: string, offset?: number, tag?: number): DomainError {
  const where = [
    tag === undefined ? undefined : `at ${formatTagParenthesised(tag)}`,
    offset === undefined ? undefined : `offset ${offset}`,
  ].filter(Boolean);
  return new DomainError(code, where.length ? `${message} (${where.join(', ')})` : message, {
    ...(offset === undefined ? {} : { offset }),
    ...(tag === undefined ? {} : { tag: formatTagParenthesised(tag) }),
  });
}

export function isDicomErrorCode(code: unknown): code is DicomErrorCode {
  return Object.values(DicomErrorCode).includes(code as DicomErrorCode);
}
