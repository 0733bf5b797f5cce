import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';

@Entity({ name: 'organizations', schema: IMAGORA_SCHEMA })
@Index('organizations_slug_key', ['slug'], { unique: true })
// At most one root organization: its admins administer the hub.
@Index('organizations_single_root_key', ['isRoot'], { unique: true, where: '"is_root"' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'is_root', type: 'boolean', default: false })
  isRoot!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
