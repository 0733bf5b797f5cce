import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { MembershipEntity } from './membership.entity';
import { OrganizationEntity } from './organization.entity';
import { ProtocolReviewEntity } from './protocol-review.entity';
import { ProtocolVersionEntity } from './protocol-version.entity';
import { ProtocolEntity } from './protocol.entity';
import { UserEntity } from './user.entity';

export { ApiKeyEntity, AuditEventEntity, MembershipEntity, OrganizationEntity, ProtocolEntity, ProtocolReviewEntity, ProtocolVersionEntity, UserEntity };

export const ENTITIES = [OrganizationEntity, UserEntity, MembershipEntity, ApiKeyEntity, AuditEventEntity, ProtocolEntity, ProtocolVersionEntity, ProtocolReviewEntity];
