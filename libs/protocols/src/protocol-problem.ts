// Lint findings are values, not exceptions (DESIGN: user content is validated with ajv and
// answered with issues). The codes are stable API: clients and the CLI match on them, and
// libs/protocols/README.md documents each one.
export enum ProtocolProblemCode {
  NOT_JSON = 'PROTOCOL_NOT_JSON',
  TOO_LARGE = 'PROTOCOL_TOO_LARGE',
  TOO_DEEP = 'PROTOCOL_TOO_DEEP',
  TOO_COMPLEX = 'PROTOCOL_TOO_COMPLEX',
  SCHEMA_INVALID = 'PROTOCOL_SCHEMA_INVALID',
  UNSUPPORTED_DIALECT = 'PROTOCOL_UNSUPPORTED_DIALECT',
  ANNOTATION_INVALID = 'PROTOCOL_ANNOTATION_INVALID',
  REMOTE_REF = 'PROTOCOL_REMOTE_REF',
  REF_UNRESOLVED = 'PROTOCOL_REF_UNRESOLVED',
  UNSAFE_REGEX = 'PROTOCOL_UNSAFE_REGEX',
  COMPILE_TIMEOUT = 'PROTOCOL_COMPILE_TIMEOUT',
  DUPLICATE_LABEL = 'PROTOCOL_DUPLICATE_LABEL',
  INVALID_POINTER = 'PROTOCOL_INVALID_POINTER',
  REFERENCE_UNREACHABLE = 'PROTOCOL_REFERENCE_UNREACHABLE',
}

export interface ProtocolProblem {
  readonly code: ProtocolProblemCode;
  // RFC 6901 pointer into the protocol document ("" is the whole document).
  readonly pointer: string;
  readonly message: string;
}

export function problem(code: ProtocolProblemCode, pointer: string, message: string): ProtocolProblem {
  return { code, pointer, message };
}
