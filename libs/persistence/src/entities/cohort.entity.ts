import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { UserEntity } from './user.entity';

@Entity({ name: 'cohorts', schema: IMAGORA_SCHEMA })
@Index('cohorts_owner_idx', ['ownerId', 'createdAt'])
export class CohortEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  // The query as asked; the frozen members below, not the query, define the cohort.
  @Column({ type: 'jsonb' })
  query!: Record<string, unknown>;

  @Column({ type: 'integer' })
  instances!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'cohorts_owner_fk' })
  owner?: UserEntity;
}

// One frozen member: an instance file of an immutable released version.
@Entity({ name: 'cohort_members', schema: IMAGORA_SCHEMA })
export class CohortMemberEntity {
  @PrimaryColumn({ name: 'cohort_id', type: 'uuid' })
  cohortId!: string;

  @PrimaryColumn({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @PrimaryColumn({ type: 'text' })
  path!: string;

  @ManyToOne(() => CohortEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'cohort_members_cohort_fk' })
  cohort?: CohortEntity;
}
