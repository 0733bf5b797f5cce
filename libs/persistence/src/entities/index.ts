import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { MembershipEntity } from './membership.entity';
import { OrganizationEntity } from './organization.entity';
import { UserEntity } from './user.entity';

export { ApiKeyEntity, AuditEventEntity, MembershipEntity, OrganizationEntity, UserEntity };

export const ENTITIES = [OrganizationEntity, UserEntity, MembershipEntity, ApiKeyEntity, AuditEventEntity];
