import { lintProtocolDocument } from './protocol-linter';
import { ProtocolProblemCode } from './protocol-problem';
import { protocolFixture } from './testing/protocol-fixtures';

const codes = (input: unknown, options = {}) => lintProtocolDocument(input, options).problems.map((p) => p.code);
const withAnnotation = (annotation: unknown) => protocolFixture({ annotation });

function nested(depth: number): unknown {
  let value: unknown = {};
  for (let level = 0; level < depth; level++) value = { properties: { a: value } };
  return value;
}

describe(lintProtocolDocument.name, () => {
  it('accepts a valid document and returns it', () => {
    const result = lintProtocolDocument(protocolFixture());
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.document?.name).toBe('fixture-protocol');
  });

  it('accepts the document as JSON text', () => {
    expect(lintProtocolDocument(JSON.stringify(protocolFixture())).ok).toBe(true);
  });

  it('refuses text that is not JSON', () => {
    expect(codes('{"name": ')).toEqual([ProtocolProblemCode.NOT_JSON]);
  });

  it('refuses a document larger than 1 MiB before parsing it', () => {
    const text = JSON.stringify(protocolFixture({ description: 'x'.repeat(1024 * 1024) }));
    expect(codes(text)).toEqual([ProtocolProblemCode.TOO_LARGE]);
  });

  it('refuses an oversized parsed value too', () => {
    expect(codes(protocolFixture({ description: 'x'.repeat(1024 * 1024) }))).toEqual([ProtocolProblemCode.TOO_LARGE]);
  });

  it('refuses a 100,000-deep JSON text without parsing it', () => {
    expect(codes('['.repeat(100_000) + ']'.repeat(100_000))).toEqual([ProtocolProblemCode.TOO_DEEP]);
  });

  it('refuses a 10,000-deep annotation schema value without overflowing the stack', () => {
    const result = lintProtocolDocument(withAnnotation(nested(10_000)));
    expect(result.problems.map((p) => p.code)).toEqual([ProtocolProblemCode.TOO_DEEP]);
    expect(result.problems[0].pointer.startsWith('/annotation/properties/a')).toBe(true);
  });

  it('honours a lower depth limit', () => {
    expect(codes(withAnnotation(nested(5)), { limits: { maxDepth: 8 } })).toEqual([ProtocolProblemCode.TOO_DEEP]);
  });

  it('refuses documents with more values than the limit', () => {
    expect(codes(protocolFixture({ description: 'd' }), { limits: { maxNodes: 10 } })).toEqual([ProtocolProblemCode.TOO_COMPLEX]);
  });

  it('refuses values JSON cannot carry', () => {
    expect(codes(protocolFixture({ title: Number.NaN }))).toEqual([ProtocolProblemCode.NOT_JSON]);
  });

  it('reports meta-schema violations with their pointers', () => {
    const result = lintProtocolDocument(protocolFixture({ version: '1.0', compatibility: 'SOMETIMES' }));
    expect(result.problems.map((p) => [p.code, p.pointer])).toEqual(
      expect.arrayContaining([
        [ProtocolProblemCode.SCHEMA_INVALID, '/version'],
        [ProtocolProblemCode.SCHEMA_INVALID, '/compatibility'],
      ]),
    );
  });

  it('refuses an unknown top-level field', () => {
    expect(codes(protocolFixture({ extra: true }))).toEqual([ProtocolProblemCode.SCHEMA_INVALID]);
  });

  it('refuses duplicate label ids', () => {
    const label = { id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } };
    const result = lintProtocolDocument(protocolFixture({ labels: [label, label] }));
    expect(result.problems).toEqual([expect.objectContaining({ code: ProtocolProblemCode.DUPLICATE_LABEL, pointer: '/labels/1/id' })]);
  });

  it('refuses a malformed JSON pointer in references', () => {
    const result = lintProtocolDocument(protocolFixture({ references: { sopInstanceUid: '/image/~2', label: '/label' } }));
    expect(result.problems.map((p) => [p.code, p.pointer])).toContainEqual([ProtocolProblemCode.SCHEMA_INVALID, '/references/sopInstanceUid']);
  });

  it('refuses a reference pointing at the whole record', () => {
    const result = lintProtocolDocument(protocolFixture({ references: { sopInstanceUid: '', label: '/label' } }));
    expect(result.problems.map((p) => p.code)).toContain(ProtocolProblemCode.INVALID_POINTER);
  });

  it('refuses a reference the closed annotation schema cannot reach', () => {
    const annotation = { type: 'object', additionalProperties: false, properties: { image: { type: 'object' }, label: { type: 'string' } } };
    const result = lintProtocolDocument(protocolFixture({ annotation, references: { sopInstanceUid: '/image/sopInstanceUid', label: '/lable' } }));
    expect(result.problems).toEqual([expect.objectContaining({ code: ProtocolProblemCode.REFERENCE_UNREACHABLE, pointer: '/references/label' })]);
  });

  it('refuses an annotation schema with an unknown keyword (strict mode)', () => {
    expect(codes(withAnnotation({ type: 'object', minimun: 1 }))).toEqual([ProtocolProblemCode.ANNOTATION_INVALID]);
  });

  it('refuses an unknown format', () => {
    expect(codes(withAnnotation({ type: 'string', format: 'colour' }))).toEqual([ProtocolProblemCode.ANNOTATION_INVALID]);
  });

  it('accepts a draft-07 annotation schema', () => {
    expect(codes(withAnnotation({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', items: [{ type: 'string' }], additionalItems: false }))).toEqual([]);
  });

  it('refuses an unsupported dialect', () => {
    expect(codes(withAnnotation({ $schema: 'http://json-schema.org/draft-04/schema#' }))).toEqual([ProtocolProblemCode.UNSUPPORTED_DIALECT]);
  });

  it('accepts a boolean annotation schema', () => {
    expect(codes(protocolFixture({ annotation: true }))).toEqual([]);
  });

  it('refuses a remote $ref', () => {
    const result = lintProtocolDocument(withAnnotation({ $ref: 'https://example.com/schema.json' }));
    expect(result.problems).toEqual([expect.objectContaining({ code: ProtocolProblemCode.REMOTE_REF, pointer: '/annotation/$ref' })]);
  });

  it('refuses a relative $ref to another file', () => {
    expect(codes(withAnnotation({ properties: { a: { $ref: 'other.json#/x' } } }))).toEqual([ProtocolProblemCode.REMOTE_REF]);
  });

  it('does not mistake a "$ref" key inside const data for a reference', () => {
    expect(codes(withAnnotation({ const: { $ref: 'https://example.com/x' } }))).toEqual([]);
  });

  it('refuses a local $ref that does not resolve', () => {
    expect(codes(withAnnotation({ $ref: '#/$defs/missing' }))).toEqual([ProtocolProblemCode.REF_UNRESOLVED]);
  });

  it('refuses a local $ref with a malformed pointer', () => {
    expect(codes(withAnnotation({ $defs: { a: true }, $ref: '#/$defs/~9' }))).toEqual([ProtocolProblemCode.INVALID_POINTER]);
  });

  it('resolves a registry $ref through the resolver', () => {
    const resolver = jest.fn((name: string, version: string) => (name === 'shared-geometry' && version === '1.2.0' ? { $defs: { point: { type: 'array', items: { type: 'number' } } } } : undefined));
    const result = lintProtocolDocument(withAnnotation({ properties: { coordinates: { $ref: 'imagora:protocol/shared-geometry@1.2.0#/$defs/point' } } }), { resolver });
    expect(result.problems).toEqual([]);
    expect(resolver).toHaveBeenCalledWith('shared-geometry', '1.2.0');
  });

  it('refuses a registry $ref the resolver does not know', () => {
    const result = lintProtocolDocument(withAnnotation({ $ref: 'imagora:protocol/shared-geometry@9.0.0#/$defs/point' }), { resolver: () => undefined });
    expect(result.problems.map((p) => p.code)).toEqual([ProtocolProblemCode.REF_UNRESOLVED]);
  });

  it('refuses remote references inside a resolved registry schema', () => {
    const resolver = () => ({ $defs: { point: { $ref: 'https://example.com/point.json' } } });
    expect(codes(withAnnotation({ $ref: 'imagora:protocol/shared-geometry@1.0.0#/$defs/point' }), { resolver })).toEqual([ProtocolProblemCode.REMOTE_REF]);
  });

  it('accepts a ReDoS-prone pattern, because it runs on a linear-time engine', () => {
    expect(codes(withAnnotation({ properties: { s: { pattern: '^(a+)+$' } } }))).toEqual([]);
  });

  it('keeps every pattern of a schema distinct', () => {
    const semverDoc = protocolFixture({ version: '1.0' });
    expect(codes(semverDoc)).toEqual([ProtocolProblemCode.SCHEMA_INVALID]);
  });

  it('refuses a pattern with lookahead', () => {
    expect(codes(withAnnotation({ properties: { s: { type: 'string', pattern: '^(?=.*[0-9]).+$' } } }))).toEqual([ProtocolProblemCode.UNSAFE_REGEX]);
  });

  it('refuses a patternProperties key with a backreference', () => {
    expect(codes(withAnnotation({ patternProperties: { '^(a)\\1$': { type: 'string' } } }))).toEqual([ProtocolProblemCode.UNSAFE_REGEX]);
  });

  it('refuses a schema whose compilation exceeds the budget', () => {
    expect(codes(protocolFixture(), { limits: { compileTimeoutMs: 0 } })).toEqual([ProtocolProblemCode.COMPILE_TIMEOUT]);
  });
});
