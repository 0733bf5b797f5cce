import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';

// Append-only (a trigger in the migration refuses UPDATE and DELETE) and hash-chained:
// each row's hash covers its content and the previous row's hash, so an edit is detectable.
@Entity({ name: 'audit_events', schema: IMAGORA_SCHEMA })
@Index('audit_events_actor_idx', ['actorUserId', 'occurredAt'])
@Index('audit_events_target_idx', ['targetType', 'targetId'])
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint' })
  sequence!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @Column({ name: 'remote_address', type: 'text', nullable: true })
  remoteAddress!: string | null;

  @Column({ name: 'previous_hash', type: 'text' })
  previousHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}
