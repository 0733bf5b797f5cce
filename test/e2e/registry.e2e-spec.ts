import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

function protocolDocument(version: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'nodule-boxes',
    version,
    title: 'Nodule bounding boxes',
    description: 'Test protocol for the registry e2e suite',
    compatibility: 'BACKWARD_TRANSITIVE',
    labels: [{ id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } }],
    annotation: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['image', 'label'],
      properties: {
        image: { type: 'object', required: ['sopInstanceUid'], properties: { sopInstanceUid: { type: 'string' } } },
        label: { type: 'string' },
        box: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    references: { sopInstanceUid: '/image/sopInstanceUid', label: '/label', coordinates: '/box' },
    ...overrides,
  };
}

describe('protocol registry over HTTP', () => {
  let hub: TestHub;
  let alice: string; // committee author
  let bob: string; // committee reviewer
  let mallory: string; // researcher, no committee role

  beforeAll(async () => {
    hub = await startTestHub();
    const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
    await hub.request('/api/v1/organizations', { method: 'POST', token: admin, json: { slug: 'lung-committee', name: 'Lung imaging committee' } });
    for (const [username, role] of [['alice', 'committee'], ['bob', 'committee'], ['mallory', 'researcher']]) {
      await hub.request('/api/v1/users', { method: 'POST', token: admin, json: { username, password: `${username}-password` } });
      await hub.request('/api/v1/organizations/lung-committee/members', { method: 'PUT', token: admin, json: { username, role } });
    }
    [alice, bob, mallory] = await Promise.all(['alice', 'bob', 'mallory'].map((u) => hub.login(u, `${u}-password`)));
    const created = await hub.request('/api/v1/protocols', { method: 'POST', token: alice, json: { name: 'nodule-boxes', title: 'Nodule bounding boxes', organization: 'lung-committee' } });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await hub?.stop();
  });

  const put = (version: string, document: unknown, token = alice) =>
    hub.request(`/api/v1/protocols/nodule-boxes/versions/${version}`, { method: 'PUT', token, json: document });
  const post = (path: string, token = alice, json?: unknown) => hub.request(`/api/v1/protocols/nodule-boxes/versions/${path}`, { method: 'POST', token, json });

  async function publishReviewed(version: string, document: unknown) {
    expect((await put(version, document)).status).toBe(200);
    expect((await post(`${version}/submit`)).status).toBe(200);
    expect((await post(`${version}/reviews`, bob, { decision: 'approve' })).status).toBe(201);
    return post(`${version}/publish`);
  }

  it('publishes the shipped protocols at first start, readable anonymously', async () => {
    const list = await hub.request('/api/v1/protocols');
    expect(list.status).toBe(200);
    const shipped = list.body.filter((p: { organization: string }) => p.organization === 'default');
    expect(shipped.length).toBeGreaterThanOrEqual(3);
    for (const protocol of shipped) expect(protocol.latestStatus).toBe('published');
  });

  it('refuses protocol writes from a user without the committee role', async () => {
    expect((await put('1.0.0', protocolDocument('1.0.0'), mallory)).status).toBe(403);
  });

  it('answers 422 with located problems for an invalid document', async () => {
    const response = await put('0.0.1', protocolDocument('0.0.1', { labels: [{ id: 'x' }] }));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('PROTOCOL_INVALID_DOCUMENT');
    expect(response.body.error.details.problems[0].pointer).toMatch(/^\/labels/);
  });

  it('answers 422 when the document names another version than the URL', async () => {
    const response = await put('9.9.9', protocolDocument('1.0.0'));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('REGISTRY_DOCUMENT_MISMATCH');
  });

  it('hides drafts from anonymous callers and researchers', async () => {
    await put('0.9.0', protocolDocument('0.9.0'));
    expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/0.9.0')).status).toBe(404);
    expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/0.9.0', { token: mallory })).status).toBe(404);
    expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/0.9.0', { token: bob })).body.status).toBe('draft');
    expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/0.9.0', { method: 'DELETE', token: alice })).status).toBe(204);
  });

  describe('committee review', () => {
    it('refuses to publish without an approval, and refuses the author’s own approval', async () => {
      expect((await put('1.0.0', protocolDocument('1.0.0'))).status).toBe(200);
      expect((await post('1.0.0/publish')).body.error.code).toBe('REGISTRY_INVALID_STATE');
      expect((await post('1.0.0/submit')).status).toBe(200);
      const own = await post('1.0.0/reviews', alice, { decision: 'approve' });
      expect(own.status).toBe(403);
      expect(own.body.error.code).toBe('REGISTRY_SELF_REVIEW');
      const early = await post('1.0.0/publish');
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('REGISTRY_NOT_ENOUGH_APPROVALS');
    });

    it('sends a draft back on request-changes, and an edit voids earlier approvals', async () => {
      expect((await post('1.0.0/reviews', bob, { decision: 'request-changes', comment: 'add a description of the box order' })).status).toBe(201);
      expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/1.0.0', { token: alice })).body.status).toBe('draft');
      expect((await post('1.0.0/submit')).status).toBe(200);
      expect((await post('1.0.0/reviews', bob, { decision: 'approve' })).status).toBe(201);
      // Alice edits after the approval: the approval was for other content.
      expect((await put('1.0.0', protocolDocument('1.0.0', { description: 'box is [x1, y1, x2, y2] in pixels' }))).status).toBe(200);
      expect((await post('1.0.0/submit')).status).toBe(200);
      expect((await post('1.0.0/publish')).body.error.code).toBe('REGISTRY_NOT_ENOUGH_APPROVALS');
    });

    it('publishes after another committee member approves the current content, with a verifiable signature', async () => {
      expect((await post('1.0.0/reviews', bob, { decision: 'approve', comment: 'looks right' })).status).toBe(201);
      const published = await post('1.0.0/publish');
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({ status: 'published', approvals: 1 });
      const jwks = (await hub.request('/.well-known/jwks.json')).body.keys[0];
      const claims = jwt.verify(published.body.signature, createPublicKey({ key: jwks, format: 'jwk' }), { algorithms: ['ES256'] }) as jwt.JwtPayload;
      expect(claims).toMatchObject({ protocol: 'nodule-boxes@1.0.0', sha256: published.body.sha256 });
    });
  });

  describe('immutability and lifecycle', () => {
    it('refuses to edit or delete a published version with 409', async () => {
      const edit = await put('1.0.0', protocolDocument('1.0.0', { title: 'changed' }));
      expect(edit.status).toBe(409);
      expect(edit.body.error.code).toBe('REGISTRY_VERSION_IMMUTABLE');
      expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/1.0.0', { method: 'DELETE', token: alice })).status).toBe(409);
      expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/1.0.0')).body.document.title).toBe('Nodule bounding boxes');
    });

    it('serves a published version with its sha256 as ETag and answers If-None-Match with 304', async () => {
      const first = await hub.request('/api/v1/protocols/nodule-boxes/versions/1.0.0');
      expect(first.headers.get('etag')).toBe(`"${first.body.sha256}"`);
      const again = await hub.request('/api/v1/protocols/nodule-boxes/versions/1.0.0', { headers: { 'if-none-match': first.headers.get('etag')! } });
      expect(again.status).toBe(304);
    });

    it('serves the annotation schema alone with a stable registry $id', async () => {
      const schema = await hub.request('/api/v1/protocols/nodule-boxes/versions/1.0.0/schema');
      expect(schema.body.$id).toBe('imagora:protocol/nodule-boxes@1.0.0');
      expect(schema.body.required).toEqual(['image', 'label']);
    });

    it('refuses a breaking change under a minor bump with 409 listing the breaking changes', async () => {
      const breaking = protocolDocument('1.1.0');
      (breaking.annotation as { required: string[] }).required = ['image', 'label', 'confidence'];
      const dryRun = await post('1.1.0/check', alice, breaking);
      expect(dryRun.status).toBe(200);
      expect(dryRun.body.ok).toBe(false);
      const response = await publishReviewed('1.1.0', breaking);
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('PROTOCOL_BREAKING_CHANGE');
      expect(response.body.error.details.changes).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: expect.stringContaining('/annotation'), breaks: expect.arrayContaining(['BACKWARD']) })]));
      // The refused draft is still a draft: nothing was published.
      expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/1.1.0')).status).toBe(404);
      expect((await hub.request('/api/v1/protocols/nodule-boxes/versions/1.1.0', { method: 'DELETE', token: alice })).status).toBe(204);
    });

    it('publishes a compatible minor version and the same breaking change as a new major', async () => {
      // A new label is BACKWARD compatible (old records stay valid). Adding an optional property would not be:
      // under this open content model, old records may already carry that property with any value.
      const compatible = protocolDocument('1.1.0', {
        labels: [
          { id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } },
          { id: 'mass', code: { system: 'SCT', value: '4147007', meaning: 'Mass' } },
        ],
      });
      expect((await publishReviewed('1.1.0', compatible)).status).toBe(200);
      const major = protocolDocument('2.0.0');
      (major.annotation as { required: string[] }).required = ['image', 'label', 'confidence'];
      expect((await publishReviewed('2.0.0', major)).status).toBe(200);
      const diff = await hub.request('/api/v1/protocols/nodule-boxes/diff?from=1.1.0&to=2.0.0');
      expect(diff.body.compatible).toBe(false);
      const changelog = await hub.request('/api/v1/protocols/nodule-boxes/changelog');
      expect(changelog.body).toContain('1.0.0 → 1.1.0');
      expect(changelog.body).toContain('1.1.0 → 2.0.0');
    });

    it('deprecates with a reason and a replacement; a range resolves past it unless deprecated versions are asked for', async () => {
      expect((await hub.request('/api/v1/protocols/nodule-boxes/resolve?range=^1.0')).body.version).toBe('1.1.0');
      const deprecated = await post('1.1.0/deprecate', alice, { reason: 'boxes without confidence are ambiguous', replacement: 'nodule-boxes@2.0.0' });
      expect(deprecated.status).toBe(200);
      expect(deprecated.body).toMatchObject({ status: 'deprecated', replacement: 'nodule-boxes@2.0.0' });
      expect((await hub.request('/api/v1/protocols/nodule-boxes/resolve?range=^1.0')).body.version).toBe('1.0.0');
      expect((await hub.request('/api/v1/protocols/nodule-boxes/resolve?range=^1.0&includeDeprecated=true')).body.version).toBe('1.1.0');
      expect((await hub.request('/api/v1/protocols/nodule-boxes/resolve?range=^3')).status).toBe(404);
      expect((await hub.request('/api/v1/protocols/nodule-boxes/resolve?range=not-a-range')).status).toBe(400);
    });

    it('keeps a deprecated version readable and immutable', async () => {
      const version = await hub.request('/api/v1/protocols/nodule-boxes/versions/1.1.0');
      expect(version.body.status).toBe('deprecated');
      expect((await put('1.1.0', protocolDocument('1.1.0'))).status).toBe(409);
    });

    it('refuses changes to a published row even from SQL (database trigger)', async () => {
      await expect(hub.hub.runtime.dataSource.query(`update imagora.protocol_versions set document_text = '{}' where version = '1.0.0'`)).rejects.toThrow(/immutable/);
      await expect(hub.hub.runtime.dataSource.query(`delete from imagora.protocol_versions where version = '1.0.0'`)).rejects.toThrow(/cannot be deleted/);
    });
  });

  describe('untrusted documents', () => {
    it('refuses an oversized document with PROTOCOL_TOO_LARGE', async () => {
      const huge = protocolDocument('3.0.0', { description: 'x'.repeat(1_100_000) });
      const response = await put('3.0.0', huge);
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('PROTOCOL_TOO_LARGE');
    });

    it('refuses a 10,000-deep annotation schema with a clear code', async () => {
      // Built as text: JSON.stringify itself overflows the stack at this depth.
      const deep = '{"type":"object","properties":{"a":'.repeat(10_000) + '{"type":"string"}' + '}}'.repeat(10_000);
      const text = JSON.stringify(protocolDocument('3.0.0', { annotation: '__DEEP__' })).replace('"__DEEP__"', deep);
      const response = await hub.request('/api/v1/protocols/nodule-boxes/versions/3.0.0', { method: 'PUT', token: alice, body: text, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(422);
      expect(response.body.error.details.problems[0].code).toBe('PROTOCOL_TOO_DEEP');
    });

    it('answers malformed JSON in a document body with a code', async () => {
      const response = await hub.request('/api/v1/protocols/nodule-boxes/versions/3.0.0', { method: 'PUT', token: alice, body: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(422);
      expect(JSON.stringify(response.body.error)).toContain('PROTOCOL_NOT_JSON');
    });
  });
});
