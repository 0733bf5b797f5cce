import { ConfigError, loadConfig } from './config';

describe(loadConfig.name, () => {
  it('defaults to embedded servers under ./.imagora on port 8080', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.home).toBe('/srv/app/.imagora');
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.objectStore.endpoint).toBeUndefined();
    expect(config.objectStore.quarantineBucket).toBe('quarantine');
    expect(config.objectStore.sharedBucket).toBe('shared');
  });

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL/],
    ['S3_ENDPOINT', 'ftp://x', /S3_ENDPOINT/],
    ['S3_SHARED_BUCKET', 'Bad_Bucket', /S3_SHARED_BUCKET/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['IMAGORA_ADMIN_PASSWORD', 'short', /IMAGORA_ADMIN_PASSWORD/],
    ['IMAGORA_BODY_LIMIT', 'lots', /IMAGORA_BODY_LIMIT/],
  ])('refuses %s=%s naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it('refuses a shared bucket equal to the quarantine bucket', () => {
    expect(() => loadConfig({ S3_QUARANTINE_BUCKET: 'same', S3_SHARED_BUCKET: 'same' })).toThrow(/S3_SHARED_BUCKET/);
  });

  it('never prints secrets', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:hunter2@h/db', IMAGORA_ADMIN_PASSWORD: 'correct horse' });
    const printed = JSON.stringify(config) + String(config.databaseUrl);
    expect(printed).not.toContain('hunter2');
    expect(printed).not.toContain('correct horse');
    expect(config.databaseUrl?.reveal()).toBe('postgres://u:hunter2@h/db');
  });
});
