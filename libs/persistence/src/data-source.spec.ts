import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../test/support/database';
import { createDataSource, pendingSchemaChanges, runMigrations } from './data-source';
import { TypeormAuditLog } from './repositories';

describe('persistence on real PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('has committed migrations that match the entities exactly (schema drift gate)', async () => {
    const pending = await pendingSchemaChanges(dataSource);
    expect(pending.up).toEqual([]);
  });

  it('runs migrations a second time as a no-op', async () => {
    await expect(runMigrations(dataSource)).resolves.toEqual([]);
  });

  describe(TypeormAuditLog.name, () => {
    it('chains each event to the previous one and verifies the chain', async () => {
      const audit = new TypeormAuditLog(dataSource);
      const first = await audit.append({ actorUserId: null, action: 'test.first', details: { b: 2, a: [1, 'x'] } });
      const second = await audit.append({ actorUserId: null, action: 'test.second' });
      expect(second.previousHash).toBe(first.hash);
      await expect(audit.verify()).resolves.toEqual({ records: 2, firstBrokenSequence: null });
    });

    it('keeps the chain intact under concurrent appends', async () => {
      const audit = new TypeormAuditLog(dataSource);
      await Promise.all(Array.from({ length: 20 }, (_, i) => audit.append({ actorUserId: null, action: `test.parallel.${i}` })));
      const result = await audit.verify();
      expect(result.firstBrokenSequence).toBeNull();
      expect(result.records).toBeGreaterThanOrEqual(20);
    });

    it('refuses UPDATE and DELETE on the audit table, even for the hub itself', async () => {
      await expect(dataSource.query(`update imagora.audit_events set action = 'tampered'`)).rejects.toThrow(/append-only/);
      await expect(dataSource.query(`delete from imagora.audit_events`)).rejects.toThrow(/append-only/);
    });

    it('detects a row altered behind the trigger', async () => {
      const audit = new TypeormAuditLog(dataSource);
      await audit.append({ actorUserId: null, action: 'test.to-tamper' });
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        // A superuser can bypass triggers; the hash chain still exposes the edit.
        await runner.query(`set session_replication_role = replica`);
        await runner.query(`update imagora.audit_events set action = 'tampered' where sequence = 2`);
        await runner.query(`set session_replication_role = origin`);
      } finally {
        await runner.release();
      }
      await expect(audit.verify()).resolves.toMatchObject({ firstBrokenSequence: '2' });
    });
  });
});
