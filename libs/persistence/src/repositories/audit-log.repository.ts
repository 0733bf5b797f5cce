import { createHash } from 'node:crypto';
import { DataSource, MoreThan } from 'typeorm';
import { AuditEvent, AuditLog, AuditRecord } from '@imagora/domain';
import { AuditEventEntity } from '../entities';

const GENESIS_HASH = '0'.repeat(64);
// Serializes appends so that each row's previous_hash is the hash of the row before it.
const AUDIT_CHAIN_LOCK_KEY = 7_146_302_119;

export class TypeormAuditLog implements AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  async append(event: AuditEvent): Promise<AuditRecord> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK_KEY]);
      const last = await manager.getRepository(AuditEventEntity).find({ order: { sequence: 'DESC' }, take: 1 });
      const sequence = (BigInt(last[0]?.sequence ?? '0') + 1n).toString();
      const previousHash = last[0]?.hash ?? GENESIS_HASH;
      const row: AuditEventEntity = {
        sequence,
        occurredAt: new Date(),
        actorUserId: event.actorUserId,
        action: event.action,
        targetType: event.targetType ?? null,
        targetId: event.targetId ?? null,
        details: event.details ?? {},
        remoteAddress: event.remoteAddress ?? null,
        previousHash,
        hash: '',
      };
      row.hash = chainHash(row);
      await manager.getRepository(AuditEventEntity).insert(row as never);
      return toRecord(row);
    });
  }

  async list(options: { limit: number; afterSequence?: string }): Promise<AuditRecord[]> {
    const rows = await this.dataSource.getRepository(AuditEventEntity).find({
      where: options.afterSequence ? { sequence: MoreThan(options.afterSequence) } : {},
      order: { sequence: 'ASC' },
      take: options.limit,
    });
    return rows.map(toRecord);
  }

  async verify(): Promise<{ records: number; firstBrokenSequence: string | null }> {
    const repository = this.dataSource.getRepository(AuditEventEntity);
    let previousHash = GENESIS_HASH;
    let expectedSequence = 1n;
    let records = 0;
    let after = '0';
    // Pages keep memory bounded however long the log grows.
    for (;;) {
      const page = await repository.find({ where: { sequence: MoreThan(after) }, order: { sequence: 'ASC' }, take: 1000 });
      if (page.length === 0) return { records, firstBrokenSequence: null };
      for (const row of page) {
        if (BigInt(row.sequence) !== expectedSequence || row.previousHash !== previousHash || chainHash(row) !== row.hash) {
          return { records, firstBrokenSequence: expectedSequence.toString() };
        }
        previousHash = row.hash;
        expectedSequence += 1n;
        records += 1;
      }
      after = page[page.length - 1].sequence;
    }
  }
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

function chainHash(row: AuditEventEntity): string {
  const content = canonicalJson({
    sequence: row.sequence,
    occurredAt: new Date(row.occurredAt).toISOString(),
    actorUserId: row.actorUserId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details,
    remoteAddress: row.remoteAddress,
  });
  return createHash('sha256').update(row.previousHash).update('\n').update(content).digest('hex');
}

function toRecord(row: AuditEventEntity): AuditRecord {
  return {
    sequence: row.sequence,
    occurredAt: row.occurredAt,
    actorUserId: row.actorUserId,
    action: row.action,
    targetType: row.targetType ?? undefined,
    targetId: row.targetId ?? undefined,
    details: row.details,
    remoteAddress: row.remoteAddress ?? undefined,
    previousHash: row.previousHash,
    hash: row.hash,
  };
}
