import {
  AccessErrorCode,
  assertUnreachable,
  AuthErrorCode,
  CatalogErrorCode,
  DeidErrorCode,
  DicomErrorCode,
  ErrorCode,
  ProtocolErrorCode,
  RegistryErrorCode,
  RequestErrorCode,
  SubmissionErrorCode,
} from '@imagora/core';

// The one table from domain error codes to HTTP statuses. The switch is exhaustive: a code added to
// ErrorCode without a status here does not compile.
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case RequestErrorCode.MALFORMED_JSON:
    case RequestErrorCode.VALIDATION_FAILED:
      return 400;
    case RequestErrorCode.ROUTE_NOT_FOUND:
      return 404;
    case RequestErrorCode.METHOD_NOT_ALLOWED:
      return 405;
    case RequestErrorCode.PAYLOAD_TOO_LARGE:
      return 413;
    case RequestErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case RequestErrorCode.INTERNAL:
      return 500;
    case RequestErrorCode.UNAVAILABLE:
      return 503;
    case AuthErrorCode.UNAUTHENTICATED:
    case AuthErrorCode.INVALID_CREDENTIALS:
    case AuthErrorCode.INVALID_TOKEN:
      return 401;
    case AuthErrorCode.FORBIDDEN:
      return 403;
    case AccessErrorCode.ORGANIZATION_NOT_FOUND:
    case AccessErrorCode.USER_NOT_FOUND:
    case AccessErrorCode.API_KEY_NOT_FOUND:
    case AccessErrorCode.MEMBERSHIP_NOT_FOUND:
      return 404;
    case AccessErrorCode.ORGANIZATION_EXISTS:
    case AccessErrorCode.USER_EXISTS:
    case AccessErrorCode.LAST_ADMIN:
      return 409;
    case AccessErrorCode.WEAK_PASSWORD:
    case AccessErrorCode.INVALID_ROLE:
    case AccessErrorCode.INVALID_NAME:
    case AccessErrorCode.INVALID_EXPIRY:
      return 422;
    case RegistryErrorCode.PROTOCOL_NOT_FOUND:
    case RegistryErrorCode.VERSION_NOT_FOUND:
    case RegistryErrorCode.NO_MATCHING_VERSION:
      return 404;
    case RegistryErrorCode.PROTOCOL_EXISTS:
    case RegistryErrorCode.VERSION_IMMUTABLE:
    case RegistryErrorCode.INVALID_STATE:
    case RegistryErrorCode.NOT_ENOUGH_APPROVALS:
      return 409;
    case RegistryErrorCode.SELF_REVIEW:
      return 403;
    case RegistryErrorCode.DOCUMENT_MISMATCH:
    case RegistryErrorCode.INVALID_REPLACEMENT:
      return 422;
    case SubmissionErrorCode.DATASET_NOT_FOUND:
    case SubmissionErrorCode.NOT_FOUND:
    case SubmissionErrorCode.FILE_NOT_FOUND:
      return 404;
    case SubmissionErrorCode.DATASET_EXISTS:
    case SubmissionErrorCode.FILE_CONFLICT:
    case SubmissionErrorCode.INVALID_STATE:
    case SubmissionErrorCode.PROTOCOL_DEPRECATED:
    case SubmissionErrorCode.UPLOAD_INCOMPLETE:
      return 409;
    case SubmissionErrorCode.FILE_TOO_LARGE:
      return 413;
    case SubmissionErrorCode.INVALID_PATH:
    case SubmissionErrorCode.DUPLICATE_PATH:
    case SubmissionErrorCode.PROTOCOL_NOT_PUBLISHED:
    case SubmissionErrorCode.CHECKSUM_MISMATCH:
    case SubmissionErrorCode.SIZE_MISMATCH:
    case SubmissionErrorCode.TOO_MANY_FILES:
    case SubmissionErrorCode.INVALID_INPUT:
      return 422;
    case CatalogErrorCode.INVALID_QUERY:
      return 400;
    case CatalogErrorCode.COHORT_NOT_FOUND:
    case CatalogErrorCode.REQUEST_NOT_FOUND:
    case CatalogErrorCode.FILE_NOT_IN_COHORT:
      return 404;
    case CatalogErrorCode.ACCESS_REQUIRED:
      return 403;
    case CatalogErrorCode.REQUEST_DECIDED:
      return 409;
    case CatalogErrorCode.COHORT_EMPTY:
      return 422;
    case CatalogErrorCode.TOO_LARGE_FOR_ZIP:
      return 413;
    case CatalogErrorCode.RANGE_NOT_SATISFIABLE:
      return 416;
    case ProtocolErrorCode.TOO_LARGE:
      return 413;
    case ProtocolErrorCode.NOT_JSON:
    case ProtocolErrorCode.INVALID_RANGE:
    case ProtocolErrorCode.INVALID_VERSION:
    case ProtocolErrorCode.INVALID_COMPATIBILITY_MODE:
      return 400;
    case ProtocolErrorCode.INVALID_DOCUMENT:
    case ProtocolErrorCode.NAME_MISMATCH:
      return 422;
    case ProtocolErrorCode.VERSION_NOT_INCREASED:
    case ProtocolErrorCode.BREAKING_CHANGE:
      return 409;
    case DicomErrorCode.NOT_DICOM:
    case DicomErrorCode.TRUNCATED:
    case DicomErrorCode.MALFORMED:
    case DicomErrorCode.INVALID_FILE_META:
    case DicomErrorCode.UNSUPPORTED_TRANSFER_SYNTAX:
    case DicomErrorCode.TOO_DEEP:
    case DeidErrorCode.UNSUPPORTED_CHARACTER_SET:
    case DeidErrorCode.UNSUPPORTED_OBJECT:
    case DeidErrorCode.UNSAFE_ENCODING:
    case DeidErrorCode.VERIFICATION_FAILED:
    case DeidErrorCode.INVALID_JSON_POINTER:
      return 422;
    case DeidErrorCode.INVALID_KEY:
    case DeidErrorCode.INVALID_OPTIONS:
      return 400;
    default:
      return assertUnreachable(code);
  }
}
