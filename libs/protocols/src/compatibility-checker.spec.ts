import { checkAgainstHistory, checkCompatibility, checkPublication, changelog, diffProtocols } from './compatibility-checker';
import type { JsonSchema, ProtocolDocument } from './protocol-document';
import { ProtocolErrorCode } from '@imagora/core';
import { protocolFixture } from './testing/protocol-fixtures';

const doc = (annotation: JsonSchema, overrides: Record<string, unknown> = {}): ProtocolDocument => protocolFixture({ annotation, ...overrides });
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => obj(properties, { additionalProperties: false, ...extra });

// [case, old annotation schema, new annotation schema, BACKWARD compatible, FORWARD compatible]
const TABLE: Array<[string, JsonSchema, JsonSchema, boolean, boolean]> = [
  ['identical schemas', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' } }), true, true],
  ['only a description changed', obj({ a: { type: 'string', description: 'x' } }), obj({ a: { type: 'string', description: 'y' } }), true, true],
  ['required property added', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' } }, { required: ['a'] }), false, true],
  ['required property removed', obj({ a: { type: 'string' } }, { required: ['a'] }), obj({ a: { type: 'string' } }), true, false],
  ['optional property added under a closed model', closed({ a: { type: 'string' } }), closed({ a: { type: 'string' }, b: { type: 'number' } }), true, false],
  ['optional property with a type added under an open model', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' }, b: { type: 'number' } }), false, true],
  ['unconstrained property added under an open model', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' }, b: true }), true, true],
  ['property removed under a closed model', closed({ a: { type: 'string' }, b: { type: 'number' } }), closed({ a: { type: 'string' } }), false, true],
  ['constrained property removed under an open model', obj({ a: { type: 'string' }, b: { type: 'number' } }), obj({ a: { type: 'string' } }), true, false],
  ['additionalProperties closed', obj({ a: { type: 'string' } }), closed({ a: { type: 'string' } }), false, true],
  ['additionalProperties opened', closed({ a: { type: 'string' } }), obj({ a: { type: 'string' } }), true, false],
  ['additionalProperties schema narrowed', obj({}, { additionalProperties: { type: ['string', 'number'] } }), obj({}, { additionalProperties: { type: 'string' } }), false, true],
  ['enum value added', { enum: ['a', 'b'] }, { enum: ['a', 'b', 'c'] }, true, false],
  ['enum value removed', { enum: ['a', 'b', 'c'] }, { enum: ['a', 'b'] }, false, true],
  ['enum reordered', { enum: ['a', 'b'] }, { enum: ['b', 'a'] }, true, true],
  ['const changed', { const: 'a' }, { const: 'b' }, false, false],
  ['const widened to an enum containing it', { const: 'a' }, { enum: ['a', 'b'] }, true, false],
  ['type narrowed number to integer', { type: 'number' }, { type: 'integer' }, false, true],
  ['type widened integer to number', { type: 'integer' }, { type: 'number' }, true, false],
  ['type widened with null', { type: 'string' }, { type: ['string', 'null'] }, true, false],
  ['type changed string to number', { type: 'string' }, { type: 'number' }, false, false],
  ['minimum tightened', { type: 'number', minimum: 0 }, { type: 'number', minimum: 1 }, false, true],
  ['maximum loosened', { type: 'number', maximum: 5 }, { type: 'number', maximum: 10 }, true, false],
  ['minimum made exclusive', { type: 'number', minimum: 0 }, { type: 'number', exclusiveMinimum: 0 }, false, true],
  ['exclusiveMaximum replaced by an equal inclusive maximum', { type: 'number', exclusiveMaximum: 5 }, { type: 'number', maximum: 5 }, true, false],
  ['multipleOf made coarser', { type: 'number', multipleOf: 2 }, { type: 'number', multipleOf: 4 }, false, true],
  ['multipleOf made finer', { type: 'number', multipleOf: 4 }, { type: 'number', multipleOf: 2 }, true, false],
  ['minimum added on a string-only schema', { type: 'string' }, { type: 'string', minimum: 3 }, true, true],
  ['minLength tightened', { type: 'string', minLength: 1 }, { type: 'string', minLength: 2 }, false, true],
  ['maxLength removed', { type: 'string', maxLength: 8 }, { type: 'string' }, true, false],
  ['pattern changed, even if it looks wider', { type: 'string', pattern: '^[a-z]+$' }, { type: 'string', pattern: '^[a-z0-9]+$' }, false, false],
  ['pattern added', { type: 'string' }, { type: 'string', pattern: '^a' }, false, true],
  ['format added', { type: 'string' }, { type: 'string', format: 'date-time' }, false, true],
  ['minItems tightened', { type: 'array', minItems: 1 }, { type: 'array', minItems: 2 }, false, true],
  ['maxItems loosened', { type: 'array', maxItems: 2 }, { type: 'array', maxItems: 3 }, true, false],
  ['items type widened', { type: 'array', items: { type: 'integer' } }, { type: 'array', items: { type: 'number' } }, true, false],
  ['closed tuple extended with an optional item', { type: 'array', prefixItems: [{ type: 'string' }], items: false }, { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false }, true, false],
  ['open tuple gets a typed second item', { type: 'array', prefixItems: [{ type: 'string' }] }, { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] }, false, true],
  ['uniqueItems added', { type: 'array' }, { type: 'array', uniqueItems: true }, false, true],
  ['anyOf branch added', { anyOf: [{ type: 'string' }, { type: 'number' }] }, { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] }, true, false],
  ['anyOf branch removed', { anyOf: [{ type: 'string' }, { type: 'number' }] }, { anyOf: [{ type: 'string' }] }, false, true],
  ['anyOf branches reordered', { anyOf: [{ type: 'string' }, { type: 'number' }] }, { anyOf: [{ type: 'number' }, { type: 'string' }] }, true, true],
  ['anyOf branch removed but covered by a widened one', { anyOf: [{ type: 'integer' }, { type: 'number', minimum: 5 }] }, { anyOf: [{ type: 'number' }] }, true, false],
  ['oneOf branch widened into overlap looks compatible but is not', { oneOf: [{ type: 'integer' }, { type: 'string' }] }, { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'integer' }] }, false, false],
  [
    'discriminated oneOf gets a new kind',
    { oneOf: [closed({ kind: { const: 'point' }, x: { type: 'number' } }, { required: ['kind'] }), closed({ kind: { const: 'box' }, w: { type: 'number' } }, { required: ['kind'] })] },
    { oneOf: [closed({ kind: { const: 'point' }, x: { type: 'number' } }, { required: ['kind'] }), closed({ kind: { const: 'box' }, w: { type: 'number' } }, { required: ['kind'] }), closed({ kind: { const: 'polygon' } }, { required: ['kind'] })] },
    true,
    false,
  ],
  ['allOf branch added', { allOf: [{ type: 'object' }] }, { allOf: [{ type: 'object' }, { required: ['a'] }] }, false, true],
  ['allOf branch removed', { allOf: [{ type: 'object' }, { required: ['a'] }] }, { allOf: [{ type: 'object' }] }, true, false],
  ['$ref target tightened', { $defs: { n: { type: 'number' } }, properties: { a: { $ref: '#/$defs/n' } } }, { $defs: { n: { type: 'integer' } }, properties: { a: { $ref: '#/$defs/n' } } }, false, true],
  ['definition inlined unchanged', { $defs: { n: { type: 'number' } }, properties: { a: { $ref: '#/$defs/n' } } }, { properties: { a: { type: 'number' } } }, true, true],
  ['draft-07 definitions ref followed', { $schema: 'http://json-schema.org/draft-07/schema#', definitions: { n: { type: 'integer' } }, items: { $ref: '#/definitions/n' } }, { $schema: 'http://json-schema.org/draft-07/schema#', definitions: { n: { type: 'number' } }, items: { $ref: '#/definitions/n' } }, true, false],
  [
    'recursive schema with a tightened leaf',
    { $defs: { tree: { type: 'object', properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#/$defs/tree' } } } } }, $ref: '#/$defs/tree' },
    { $defs: { tree: { type: 'object', properties: { value: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/$defs/tree' } } } } }, $ref: '#/$defs/tree' },
    false,
    true,
  ],
  [
    'recursive schema unchanged but re-keyed',
    { $defs: { tree: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/tree' } } } } }, $ref: '#/$defs/tree' },
    { $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } }, $ref: '#/$defs/node' },
    true,
    true,
  ],
  ['boolean schema true to false', true, false, false, true],
  ['boolean schema false to an object schema', false, { type: 'string' }, true, false],
  ['true replaced by an empty object schema', true, {}, true, true],
  ['unsupported keyword added', { type: 'object' }, { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } }, false, false],
  ['unsupported keyword unchanged', { type: 'object', not: { required: ['a'] } }, { type: 'object', not: { required: ['a'] }, description: 'x' }, true, true],
  ['unsupported keyword with the same text but a changed $ref target', { $defs: { a: { type: 'string' } }, not: { $ref: '#/$defs/a' } }, { $defs: { a: { type: 'number' } }, not: { $ref: '#/$defs/a' } }, false, false],
  ['patternProperties schema tightened', obj({}, { patternProperties: { '^x-': { type: 'number' } } }), obj({}, { patternProperties: { '^x-': { type: 'integer' } } }), false, true],
  ['property declared that a pattern already covered', closed({}, { patternProperties: { '^x-': { type: 'number' } } }), closed({ 'x-a': { type: 'number' } }, { patternProperties: { '^x-': { type: 'number' } } }), true, true],
  ['nested property narrowed deep inside', obj({ image: obj({ frame: { type: 'integer', minimum: 0 } }) }), obj({ image: obj({ frame: { type: 'integer', minimum: 1 } }) }), false, true],
];

describe(checkCompatibility.name, () => {
  it('has a table of at least 40 schema pairs', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('%s', (_name, oldSchema, newSchema, backward, forward) => {
    const oldDoc = doc(oldSchema);
    const newDoc = doc(newSchema, { version: '1.1.0' });
    const verdict = {
      backward: checkCompatibility(oldDoc, newDoc, 'BACKWARD').compatible,
      forward: checkCompatibility(oldDoc, newDoc, 'FORWARD').compatible,
      full: checkCompatibility(oldDoc, newDoc, 'FULL').compatible,
    };
    expect(verdict).toEqual({ backward, forward, full: backward && forward });
  });

  it('is always compatible under NONE', () => {
    expect(checkCompatibility(doc({ type: 'string' }), doc({ type: 'number' }), 'NONE').compatible).toBe(true);
  });

  it('names the keyword it does not understand', () => {
    const { changes } = checkCompatibility(doc({ type: 'object' }), doc({ type: 'object', dependentSchemas: { a: { required: ['b'] } } }), 'BACKWARD');
    expect(changes).toEqual([expect.objectContaining({ pointer: '/annotation/dependentSchemas', kind: 'unsupported-keyword', breaks: ['BACKWARD', 'FORWARD'] })]);
    expect(changes[0].message).toContain('dependentSchemas');
  });

  it('reports a required property added with its pointer and kind', () => {
    const { changes } = checkCompatibility(doc(obj({ a: true })), doc(obj({ a: true }, { required: ['a'] })), 'BACKWARD');
    expect(changes).toEqual([expect.objectContaining({ pointer: '/annotation/required', kind: 'required-added', breaks: ['BACKWARD'] })]);
  });

  it('reports a removed label as breaking BACKWARD', () => {
    const labels = [
      { id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } },
      { id: 'mass', code: { system: 'SCT', value: '4147007', meaning: 'Mass' } },
    ];
    const changes = diffProtocols(protocolFixture({ labels }), protocolFixture({ labels: labels.slice(0, 1) }));
    expect(changes).toEqual([expect.objectContaining({ kind: 'label-removed', breaks: ['BACKWARD'] })]);
  });

  it('reports an added label as breaking FORWARD', () => {
    const labels = [{ id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } }];
    const changes = diffProtocols(protocolFixture({ labels }), protocolFixture({ labels: [...labels, { id: 'mass', code: { system: 'SCT', value: '4147007', meaning: 'Mass' } }] }));
    expect(changes).toEqual([expect.objectContaining({ kind: 'label-added', breaks: ['FORWARD'] })]);
  });

  it('reports a re-coded label as breaking both directions', () => {
    const changes = diffProtocols(
      protocolFixture({ labels: [{ id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } }] }),
      protocolFixture({ labels: [{ id: 'nodule', code: { system: 'RADLEX', value: 'RID3875', meaning: 'nodule' } }] }),
    );
    expect(changes).toEqual([expect.objectContaining({ kind: 'label-code-changed', breaks: ['BACKWARD', 'FORWARD'] })]);
  });

  it('reports a removed modality as breaking BACKWARD', () => {
    const changes = diffProtocols(protocolFixture({ imaging: { modalities: ['CR', 'DX'] } }), protocolFixture({ imaging: { modalities: ['DX'] } }));
    expect(changes).toEqual([expect.objectContaining({ kind: 'modality-removed', breaks: ['BACKWARD'] })]);
  });

  it('reports an added transfer syntax as breaking FORWARD', () => {
    const changes = diffProtocols(protocolFixture({ imaging: { transferSyntaxes: ['1.2.840.10008.1.2.1'] } }), protocolFixture({ imaging: { transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.4.90'] } }));
    expect(changes).toEqual([expect.objectContaining({ kind: 'transfer-syntax-added', breaks: ['FORWARD'] })]);
  });

  it('reports an added required attribute as breaking BACKWARD', () => {
    const changes = diffProtocols(protocolFixture({ imaging: { requiredAttributes: ['00280010'] } }), protocolFixture({ imaging: { requiredAttributes: ['00280010', '00280011'] } }));
    expect(changes).toEqual([expect.objectContaining({ kind: 'required-attribute-added', breaks: ['BACKWARD'] })]);
  });

  it('reports a removed required attribute as breaking FORWARD', () => {
    const changes = diffProtocols(protocolFixture({ imaging: { requiredAttributes: ['00280010', '00280011'] } }), protocolFixture({ imaging: { requiredAttributes: ['00280010'] } }));
    expect(changes).toEqual([expect.objectContaining({ kind: 'required-attribute-removed', breaks: ['FORWARD'] })]);
  });

  it('reports a moved reference pointer as breaking both directions', () => {
    const changes = diffProtocols(protocolFixture(), protocolFixture({ references: { sopInstanceUid: '/image/sopInstanceUid', frame: '/image/frame', label: '/finding', coordinates: '/coordinates' } }));
    expect(changes).toEqual([expect.objectContaining({ pointer: '/references/label', kind: 'reference-changed', breaks: ['BACKWARD', 'FORWARD'] })]);
  });

  it('follows registry references through the resolver', () => {
    const shared: Record<string, JsonSchema> = { '1.0.0': { $defs: { n: { type: 'integer' } } }, '1.1.0': { $defs: { n: { type: 'number' } } } };
    const resolver = (name: string, version: string) => (name === 'shared' ? shared[version] : undefined);
    const result = checkCompatibility(doc({ $ref: 'imagora:protocol/shared@1.0.0#/$defs/n' }), doc({ $ref: 'imagora:protocol/shared@1.1.0#/$defs/n' }), 'BACKWARD', { resolver });
    expect(result.compatible).toBe(true);
    expect(checkCompatibility(doc({ $ref: 'imagora:protocol/shared@1.0.0#/$defs/n' }), doc({ $ref: 'imagora:protocol/shared@1.1.0#/$defs/n' }), 'FORWARD', { resolver }).compatible).toBe(false);
  });

  it('treats an unresolvable changed registry reference as breaking', () => {
    const result = checkCompatibility(doc({ $ref: 'imagora:protocol/shared@1.0.0#/$defs/n' }), doc({ $ref: 'imagora:protocol/shared@1.1.0#/$defs/n' }), 'BACKWARD');
    expect(result.changes.map((change) => change.kind)).toContain('ref-unresolved');
    expect(result.compatible).toBe(false);
  });

  it('treats an identical registry reference as unchanged, since published versions are immutable', () => {
    expect(checkCompatibility(doc({ $ref: 'imagora:protocol/shared@1.0.0#/$defs/n' }), doc({ $ref: 'imagora:protocol/shared@1.0.0#/$defs/n' }), 'FULL').compatible).toBe(true);
  });

  it('refuses an unknown mode', () => {
    expect(() => checkCompatibility(doc(true), doc(true), 'SIDEWAYS' as never)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.INVALID_COMPATIBILITY_MODE }));
  });
});

describe(checkAgainstHistory.name, () => {
  const v1 = doc(obj({ a: { type: 'string' } }), { version: '1.0.0' });
  const v2 = doc(obj({ a: { type: 'string' }, b: { type: 'number' } }, { required: [] }), { version: '1.1.0' });
  // v3 drops b's constraint back to open: compatible with v2 (widening), and v1 never constrained b.
  const v3 = doc(obj({ a: { type: 'string' }, b: { type: 'integer' } }), { version: '1.2.0' });

  it('checks only the latest earlier version for a non-transitive mode', () => {
    const result = checkAgainstHistory([v1, v2], v3, 'FORWARD');
    expect(result.against.map((entry) => entry.version)).toEqual(['1.1.0']);
  });

  it('checks every earlier version for a transitive mode', () => {
    const result = checkAgainstHistory([v2, v1], v3, 'FORWARD_TRANSITIVE');
    expect(result.against.map((entry) => entry.version)).toEqual(['1.0.0', '1.1.0']);
  });

  it('fails a transitive mode when an older version is broken', () => {
    const loose = doc(obj({ a: { type: 'string' } }), { version: '1.2.0' });
    const tightened = doc(obj({ a: { type: 'string', maxLength: 5 } }), { version: '1.1.0' });
    const widenedAgain = doc(obj({ a: { type: 'string', maxLength: 10 } }), { version: '1.3.0' });
    expect(checkAgainstHistory([tightened], widenedAgain, 'BACKWARD').compatible).toBe(true);
    expect(checkAgainstHistory([v1, tightened, { ...loose, version: '1.0.5' }], widenedAgain, 'BACKWARD_TRANSITIVE').compatible).toBe(false);
  });

  it('ignores versions at or above the new one', () => {
    expect(checkAgainstHistory([v3], v2, 'FULL_TRANSITIVE').against).toEqual([]);
  });
});

describe(checkPublication.name, () => {
  const v1 = doc(obj({ a: { type: 'string' } }), { version: '1.0.0', compatibility: 'BACKWARD' });

  it('refuses a breaking change under a minor bump', () => {
    const problems = checkPublication([v1], doc(obj({ a: { type: 'string' } }, { required: ['a'] }), { version: '1.1.0', compatibility: 'BACKWARD' }));
    expect(problems).toEqual([expect.objectContaining({ code: ProtocolErrorCode.BREAKING_CHANGE, changes: [expect.objectContaining({ kind: 'required-added' })] })]);
  });

  it('allows a breaking change under a major bump', () => {
    expect(checkPublication([v1], doc(obj({ a: { type: 'string' } }, { required: ['a'] }), { version: '2.0.0', compatibility: 'BACKWARD' }))).toEqual([]);
  });

  it('refuses a version that is not higher than the latest', () => {
    expect(checkPublication([v1], doc(true, { version: '1.0.0' })).map((p) => p.code)).toEqual([ProtocolErrorCode.VERSION_NOT_INCREASED]);
  });
});

describe(changelog.name, () => {
  it('lists each change and marks the breaking ones', () => {
    const text = changelog(doc(obj({ a: { type: 'string' } }), { version: '1.0.0' }), doc(obj({ a: { type: 'string' } }, { required: ['a'] }), { version: '1.1.0' }));
    expect(text).toContain('## fixture-protocol 1.0.0 → 1.1.0');
    expect(text).toContain('- `/annotation/required` required-added');
    expect(text).toContain('**breaks BACKWARD**');
    expect(text).toContain('1 change(s) break BACKWARD_TRANSITIVE compatibility.');
  });

  it('says so when nothing changed', () => {
    expect(changelog(doc(true), doc(true))).toContain('No changes.');
  });
});
