import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { DatasetEntity } from './dataset.entity';
import { UserEntity } from './user.entity';

// A user accepted a registered dataset's data-use agreement (its text's sha256 records which one).
@Entity({ name: 'agreement_acceptances', schema: IMAGORA_SCHEMA })
export class AgreementAcceptanceEntity {
  @PrimaryColumn({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'agreement_sha256', type: 'text' })
  agreementSha256!: string;

  @CreateDateColumn({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  @ManyToOne(() => DatasetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id', foreignKeyConstraintName: 'agreement_acceptances_dataset_fk' })
  dataset?: DatasetEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'agreement_acceptances_user_fk' })
  user?: UserEntity;
}

@Entity({ name: 'access_requests', schema: IMAGORA_SCHEMA })
@Index('access_requests_dataset_state_idx', ['datasetId', 'state'])
@Index('access_requests_user_idx', ['userId', 'datasetId'])
export class AccessRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason!: string | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @ManyToOne(() => DatasetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id', foreignKeyConstraintName: 'access_requests_dataset_fk' })
  dataset?: DatasetEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'access_requests_user_fk' })
  user?: UserEntity;
}
