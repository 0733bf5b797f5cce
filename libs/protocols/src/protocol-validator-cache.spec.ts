import { DomainError, ProtocolErrorCode } from '@imagora/core';
import { ProtocolValidatorCache, RecordIssueCode } from './protocol-validator-cache';
import { protocolFixture } from './testing/protocol-fixtures';

const record = (overrides: Record<string, unknown> = {}) => ({ image: { sopInstanceUid: '1.2.3', frame: 1 }, label: 'nodule', coordinates: [1, 2, 3, 4], ...overrides });

describe(ProtocolValidatorCache.name, () => {
  it('accepts a valid record', () => {
    expect(new ProtocolValidatorCache().get(protocolFixture()).validateRecord(record())).toEqual({ valid: true, issues: [] });
  });

  it('reports schema issues with their instance path', () => {
    const result = new ProtocolValidatorCache().get(protocolFixture()).validateRecord(record({ image: { sopInstanceUid: 7, frame: 0 } }));
    expect(result.valid).toBe(false);
    expect(result.issues.map((issue) => [issue.code, issue.instancePath, issue.keyword])).toEqual([
      [RecordIssueCode.SCHEMA, '/image/sopInstanceUid', 'type'],
      [RecordIssueCode.SCHEMA, '/image/frame', 'minimum'],
    ]);
  });

  it('reports a label outside the label set', () => {
    const result = new ProtocolValidatorCache().get(protocolFixture()).validateRecord(record({ label: 'tumour' }));
    expect(result.issues).toEqual([expect.objectContaining({ code: RecordIssueCode.UNKNOWN_LABEL, instancePath: '/label' })]);
  });

  it('reports coordinates that are not column,row pairs', () => {
    const result = new ProtocolValidatorCache().get(protocolFixture()).validateRecord(record({ coordinates: [1, 2, 3] }));
    expect(result.issues).toEqual([expect.objectContaining({ code: RecordIssueCode.ODD_COORDINATES, instancePath: '/coordinates' })]);
  });

  it('compiles one validator per content hash, whatever the key order', () => {
    const cache = new ProtocolValidatorCache();
    const document = protocolFixture();
    const reordered = Object.fromEntries(Object.entries(document).reverse());
    expect(cache.get(reordered)).toBe(cache.get(document));
    expect(cache.size).toBe(1);
  });

  it('compiles a new validator when the document changes', () => {
    const cache = new ProtocolValidatorCache();
    expect(cache.get(protocolFixture())).not.toBe(cache.get(protocolFixture({ version: '1.0.1' })));
  });

  it('evicts the least recently used validator beyond maxEntries', () => {
    const cache = new ProtocolValidatorCache({ maxEntries: 2 });
    const first = cache.get(protocolFixture({ version: '1.0.0' }));
    cache.get(protocolFixture({ version: '1.0.1' }));
    cache.get(protocolFixture({ version: '1.0.0' }));
    cache.get(protocolFixture({ version: '1.0.2' }));
    expect(cache.peek(first.hash)).toBe(first);
    expect(cache.size).toBe(2);
  });

  it('throws a domain error carrying the lint problems for an invalid document', () => {
    const attempt = () => new ProtocolValidatorCache().get(protocolFixture({ annotation: { $ref: 'https://example.com/x' } }));
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(expect.objectContaining({ code: ProtocolErrorCode.INVALID_DOCUMENT, details: { problems: [expect.objectContaining({ code: 'PROTOCOL_REMOTE_REF' })] } }));
  });

  it('validates a ReDoS pattern against 50,000 a and a b in well under a second', () => {
    const annotation = { type: 'object', properties: { label: { type: 'string' }, note: { type: 'string', pattern: '^(a+)+$' } } };
    const validator = new ProtocolValidatorCache().get(protocolFixture({ annotation }));
    const started = performance.now();
    const result = validator.validateRecord({ label: 'nodule', note: 'a'.repeat(50_000) + 'b' });
    expect(performance.now() - started).toBeLessThan(250);
    expect(result.issues).toEqual([expect.objectContaining({ instancePath: '/note', keyword: 'pattern' })]);
  });

  it('keeps distinct patterns distinct inside one schema', () => {
    const annotation = { type: 'object', properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } } };
    const validator = new ProtocolValidatorCache().get(protocolFixture({ annotation }));
    expect(validator.validateRecord({ a: 'aaa', b: 'bbb' }).valid).toBe(true);
  });
});
