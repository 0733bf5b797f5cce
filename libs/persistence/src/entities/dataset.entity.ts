import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { OrganizationEntity } from './organization.entity';

@Entity({ name: 'datasets', schema: IMAGORA_SCHEMA })
@Index('datasets_organization_slug_key', ['organizationId', 'slug'], { unique: true })
// Full-text search over title and description; an expression index, created by hand in the migration.
@Index('datasets_text_idx', { synchronize: false })
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  // An SPDX license id.
  @Column({ type: 'text' })
  license!: string;

  @Column({ name: 'access_policy', type: 'text' })
  accessPolicy!: string;

  @Column({ name: 'data_use_agreement', type: 'text', nullable: true })
  dataUseAgreement!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'datasets_organization_fk' })
  organization?: OrganizationEntity;
}
