import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

describe('access control over HTTP', () => {
  let hub: TestHub;
  let adminToken: string;

  beforeAll(async () => {
    hub = await startTestHub();
    adminToken = await hub.login('admin', TEST_ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await hub?.stop();
  });

  async function createUser(username: string, password = 'password-of-' + username): Promise<string> {
    const created = await hub.request('/api/v1/users', { method: 'POST', token: adminToken, json: { username, password } });
    expect(created.status).toBe(201);
    return hub.login(username, password);
  }

  function ownSigningKey() {
    return createPrivateKey(readFileSync(join(hub.home, 'keys', 'signing-key.pem')));
  }

  function issuer(): string {
    return hub.hub.runtime.issuer;
  }

  describe('without a credential', () => {
    it.each([
      ['GET', '/api/v1/auth/me'],
      ['GET', '/api/v1/organizations'],
      ['POST', '/api/v1/organizations'],
      ['GET', '/api/v1/users'],
      ['GET', '/api/v1/api-keys'],
      ['DELETE', '/api/v1/api-keys/abc'],
      ['PUT', '/api/v1/organizations/default/members'],
    ])('answers 401 on %s %s', async (method, path) => {
      const response = await hub.request(path, { method, json: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('AUTH_UNAUTHENTICATED');
    });

    it('lets anyone read the public operational routes', async () => {
      expect((await hub.request('/health/live')).status).toBe(200);
      expect((await hub.request('/health/ready')).body.status).toBe('up');
      expect((await hub.request('/.well-known/jwks.json')).body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    });
  });

  describe('forged and stale tokens', () => {
    it('accepts a token it issued', async () => {
      expect((await hub.request('/api/v1/auth/me', { token: adminToken })).status).toBe(200);
    });

    it('refuses a token signed by another ES256 key', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const payload = jwt.decode(adminToken) as jwt.JwtPayload;
      const forged = jwt.sign({ ...payload }, privateKey, { algorithm: 'ES256' });
      expect((await hub.request('/api/v1/auth/me', { token: forged })).status).toBe(401);
    });

    it('refuses an unsigned token (alg: none)', async () => {
      const [, body] = adminToken.split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      expect((await hub.request('/api/v1/auth/me', { token: `${header}.${body}.` })).status).toBe(401);
      expect((await hub.request('/api/v1/auth/me', { token: `${header}.${body}` })).status).toBe(401);
    });

    it('refuses an HS256 token whose HMAC key is the hub public key (algorithm confusion)', async () => {
      const publicPem = (await import('node:crypto')).createPublicKey(ownSigningKey()).export({ type: 'spki', format: 'pem' }) as string;
      const payload = jwt.decode(adminToken) as jwt.JwtPayload;
      const { createHmac } = await import('node:crypto');
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      for (const secret of [publicPem, JSON.stringify(hub.hub.runtime.signingKey.publicJwk)]) {
        const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
        expect((await hub.request('/api/v1/auth/me', { token: `${header}.${body}.${signature}` })).status).toBe(401);
      }
    });

    it('refuses an expired token signed by the hub key', async () => {
      const payload = jwt.decode(adminToken) as jwt.JwtPayload;
      const expired = jwt.sign({ sub: payload.sub, aud: 'imagora', iss: issuer(), exp: Math.floor(Date.now() / 1000) - 10 }, ownSigningKey(), { algorithm: 'ES256' });
      const fresh = jwt.sign({ sub: payload.sub, aud: 'imagora', iss: issuer(), exp: Math.floor(Date.now() / 1000) + 60 }, ownSigningKey(), { algorithm: 'ES256' });
      expect((await hub.request('/api/v1/auth/me', { token: expired })).status).toBe(401);
      // The same claims with a future expiry pass: the refusal above is about expiry alone.
      expect((await hub.request('/api/v1/auth/me', { token: fresh })).status).toBe(200);
    });

    it('refuses a hub-signed token meant for another audience or issuer', async () => {
      const payload = jwt.decode(adminToken) as jwt.JwtPayload;
      const otherAudience = jwt.sign({ sub: payload.sub, aud: 'elsewhere', iss: issuer() }, ownSigningKey(), { algorithm: 'ES256', expiresIn: 60 });
      const otherIssuer = jwt.sign({ sub: payload.sub, aud: 'imagora', iss: 'urn:someone-else' }, ownSigningKey(), { algorithm: 'ES256', expiresIn: 60 });
      expect((await hub.request('/api/v1/auth/me', { token: otherAudience })).status).toBe(401);
      expect((await hub.request('/api/v1/auth/me', { token: otherIssuer })).status).toBe(401);
    });

    it('refuses a wrong password and an unknown user alike', async () => {
      const wrong = await hub.request('/api/v1/auth/login', { method: 'POST', json: { username: 'admin', password: 'not-the-password' } });
      const unknown = await hub.request('/api/v1/auth/login', { method: 'POST', json: { username: 'nobody', password: 'whatever-here' } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
      expect(unknown.body.error).toEqual(wrong.body.error);
    });
  });

  describe('roles', () => {
    let carolToken: string;

    beforeAll(async () => {
      carolToken = await createUser('carol');
      expect((await hub.request('/api/v1/organizations', { method: 'POST', token: adminToken, json: { slug: 'st-elsewhere', name: 'St. Elsewhere' } })).status).toBe(201);
      const added = await hub.request('/api/v1/organizations/st-elsewhere/members', { method: 'PUT', token: adminToken, json: { username: 'carol', role: 'researcher' } });
      expect(added.status).toBe(200);
    });

    it('answers 403 when a signed-in user without the admin role creates an organization', async () => {
      const response = await hub.request('/api/v1/organizations', { method: 'POST', token: carolToken, json: { slug: 'mine', name: 'Mine' } });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('AUTH_FORBIDDEN');
    });

    it('answers 403 when a researcher tries to grant roles in their own organization', async () => {
      const response = await hub.request('/api/v1/organizations/st-elsewhere/members', { method: 'PUT', token: carolToken, json: { username: 'carol', role: 'admin' } });
      expect(response.status).toBe(403);
    });

    it('lets an organization admin manage members of that organization only', async () => {
      const daveToken = await createUser('dave');
      await hub.request('/api/v1/organizations/st-elsewhere/members', { method: 'PUT', token: adminToken, json: { username: 'dave', role: 'admin' } });
      const granted = await hub.request('/api/v1/organizations/st-elsewhere/members', { method: 'PUT', token: daveToken, json: { username: 'carol', role: 'steward' } });
      expect(granted.status).toBe(200);
      expect(granted.body).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'carol', role: 'steward' })]));
      const elsewhere = await hub.request('/api/v1/organizations/default/members', { method: 'PUT', token: daveToken, json: { username: 'carol', role: 'admin' } });
      expect(elsewhere.status).toBe(403);
    });

    it('shows the caller their roles per organization', async () => {
      const me = await hub.request('/api/v1/auth/me', { token: carolToken });
      expect(me.body.memberships).toEqual(expect.arrayContaining([{ organization: 'st-elsewhere', role: 'researcher' }]));
      expect(me.body.isHubAdmin).toBe(false);
    });

    it('refuses to remove the last admin of the root organization', async () => {
      const response = await hub.request('/api/v1/organizations/default/members/admin/roles/admin', { method: 'DELETE', token: adminToken });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('ACCESS_LAST_ADMIN');
    });

    it('rejects an unknown role with a validation error', async () => {
      const response = await hub.request('/api/v1/organizations/st-elsewhere/members', { method: 'PUT', token: adminToken, json: { username: 'carol', role: 'overlord' } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
    });

    it('refuses a duplicate user with 409', async () => {
      const response = await hub.request('/api/v1/users', { method: 'POST', token: adminToken, json: { username: 'carol', password: 'another-password' } });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('ACCESS_USER_EXISTS');
    });
  });

  describe('API keys', () => {
    it('authenticates with a key until its owner revokes it', async () => {
      const erinToken = await createUser('erin');
      const created = await hub.request('/api/v1/api-keys', { method: 'POST', token: erinToken, json: { name: 'laptop' } });
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      expect((await hub.request('/api/v1/auth/me', { token: key })).body).toMatchObject({ username: 'erin', authenticatedBy: 'api-key' });
      const listed = await hub.request('/api/v1/api-keys', { token: erinToken });
      expect(JSON.stringify(listed.body)).not.toContain(key.split('_')[2]);
      expect((await hub.request(`/api/v1/api-keys/${created.body.id}`, { method: 'DELETE', token: erinToken })).status).toBe(204);
      expect((await hub.request('/api/v1/auth/me', { token: key })).status).toBe(401);
    });

    it('does not let another user revoke someone else’s key', async () => {
      const frankToken = await createUser('frank');
      const created = await hub.request('/api/v1/api-keys', { method: 'POST', token: frankToken, json: { name: 'ci' } });
      const response = await hub.request(`/api/v1/api-keys/${created.body.id}`, { method: 'DELETE', token: adminToken });
      expect(response.status).toBe(404);
      expect((await hub.request('/api/v1/auth/me', { token: created.body.key })).status).toBe(200);
    });

    it('refuses a key whose secret was altered', async () => {
      const created = await hub.request('/api/v1/api-keys', { method: 'POST', token: adminToken, json: { name: 'tamper' } });
      const key = created.body.key as string;
      const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      expect((await hub.request('/api/v1/auth/me', { token: altered })).status).toBe(401);
    });
  });

  describe('request errors', () => {
    it('answers an unknown route with a JSON 404', async () => {
      const response = await hub.request('/api/v1/no-such-thing', { token: adminToken });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('REQUEST_ROUTE_NOT_FOUND');
    });

    it('answers malformed JSON with 400 and a code', async () => {
      const response = await hub.request('/api/v1/auth/login', { method: 'POST', body: '{"username": "admin", ', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('REQUEST_MALFORMED_JSON');
    });

    it('answers an oversized body with 413', async () => {
      const response = await hub.request('/api/v1/auth/login', { method: 'POST', json: { username: 'admin', password: 'x'.repeat(2 * 1024 * 1024) } });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('REQUEST_PAYLOAD_TOO_LARGE');
    });

    it('refuses unknown fields in a request body', async () => {
      const response = await hub.request('/api/v1/auth/login', { method: 'POST', json: { username: 'admin', password: TEST_ADMIN_PASSWORD, isAdmin: true } });
      expect(response.status).toBe(400);
      expect(response.body.error.details.problems.join(' ')).toMatch(/isAdmin/);
    });
  });

  describe('operations', () => {
    it('documents every route with its auth and error responses at /docs-json', async () => {
      const docs = (await hub.request('/docs-json')).body;
      const routes = Object.entries(docs.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
      expect(routes.length).toBeGreaterThanOrEqual(12);
      // Exactly these operations are public; every other one must declare bearer auth and its 401.
      const publicOperations = new Set([
        'get /health/live',
        'get /health/ready',
        'get /metrics',
        'get /.well-known/jwks.json',
        'post /api/v1/auth/login',
        'get /api/v1/protocols',
        'get /api/v1/protocols/{name}',
        'get /api/v1/protocols/{name}/resolve',
        'get /api/v1/protocols/{name}/diff',
        'get /api/v1/protocols/{name}/changelog',
        'get /api/v1/protocols/{name}/versions/{version}',
        'get /api/v1/protocols/{name}/versions/{version}/schema',
        'get /api/v1/datasets',
        'get /api/v1/datasets/{org}/{slug}',
        'get /api/v1/search',
      ]);
      for (const { path, method, op } of routes) {
        const key = `${method} ${path}`;
        if (publicOperations.has(key)) {
          expect({ key, security: op.security }).toEqual({ key, security: undefined });
          continue;
        }
        expect({ key, security: op.security }).toEqual({ key, security: [{ bearer: [] }] });
        expect({ key, has401: Boolean(op.responses['401']) }).toEqual({ key, has401: true });
      }
      // Every public operation the test names exists, so the list cannot silently go stale.
      expect([...publicOperations].filter((key) => !routes.some((r) => `${r.method} ${r.path}` === key))).toEqual([]);
      expect((await hub.request('/docs')).status).toBe(200);
    });

    it('exposes Prometheus metrics counting requests by route', async () => {
      await hub.request('/health/live');
      const metrics = (await hub.request('/metrics')).body as string;
      expect(metrics).toMatch(/imagora_http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/);
      expect(metrics).toContain('imagora_process_resident_memory_bytes');
    });

    it('writes logins, user creation and key revocation to the hash-chained audit log', async () => {
      const verified = await hub.hub.runtime.access.auditLog.verify();
      expect(verified.firstBrokenSequence).toBeNull();
      const actions = (await hub.hub.runtime.access.auditLog.list({ limit: 1000 })).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['hub.bootstrap', 'auth.login', 'auth.login-failed', 'user.create', 'api-key.revoke']));
    });
  });
});
