import type { ProtocolDocument } from '../protocol-document';

// A minimal valid protocol document for tests; override any field.
export function protocolFixture(overrides: Record<string, unknown> = {}): ProtocolDocument {
  return {
    name: 'fixture-protocol',
    version: '1.0.0',
    title: 'Fixture protocol',
    labels: [{ id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } }],
    annotation: {
      type: 'object',
      required: ['image', 'label'],
      properties: {
        image: { type: 'object', required: ['sopInstanceUid'], properties: { sopInstanceUid: { type: 'string' }, frame: { type: 'integer', minimum: 1 } } },
        label: { type: 'string' },
        coordinates: { type: 'array', items: { type: 'number' } },
      },
    },
    references: { sopInstanceUid: '/image/sopInstanceUid', frame: '/image/frame', label: '/label', coordinates: '/coordinates' },
    ...overrides,
  } as ProtocolDocument;
}
