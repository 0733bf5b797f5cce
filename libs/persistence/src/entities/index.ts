import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { CatalogCellEntity, CatalogLabelCellEntity, CatalogVersionFacetEntity } from './catalog-cell.entity';
import { CatalogInstanceEntity } from './catalog-instance.entity';
import { CohortEntity, CohortMemberEntity } from './cohort.entity';
import { AccessRequestEntity, AgreementAcceptanceEntity } from './dataset-access.entity';
import { DatasetVersionFileEntity } from './dataset-version-file.entity';
import { DatasetVersionEntity } from './dataset-version.entity';
import { DatasetEntity } from './dataset.entity';
import { MembershipEntity } from './membership.entity';
import { OrganizationEntity } from './organization.entity';
import { ProtocolReviewEntity } from './protocol-review.entity';
import { ProtocolVersionEntity } from './protocol-version.entity';
import { ProtocolEntity } from './protocol.entity';
import { SubmissionEventEntity } from './submission-event.entity';
import { SubmissionFileEntity } from './submission-file.entity';
import { SubmissionLabelCountEntity } from './submission-label-count.entity';
import { SubmissionEntity } from './submission.entity';
import { UserEntity } from './user.entity';

export {
  AccessRequestEntity,
  AgreementAcceptanceEntity,
  CohortEntity,
  CohortMemberEntity,
  ApiKeyEntity,
  AuditEventEntity,
  CatalogCellEntity,
  CatalogInstanceEntity,
  CatalogLabelCellEntity,
  CatalogVersionFacetEntity,
  DatasetEntity,
  DatasetVersionEntity,
  DatasetVersionFileEntity,
  MembershipEntity,
  OrganizationEntity,
  ProtocolEntity,
  ProtocolReviewEntity,
  ProtocolVersionEntity,
  SubmissionEntity,
  SubmissionEventEntity,
  SubmissionFileEntity,
  SubmissionLabelCountEntity,
  UserEntity,
};

export const ENTITIES = [
  OrganizationEntity,
  UserEntity,
  MembershipEntity,
  ApiKeyEntity,
  AuditEventEntity,
  ProtocolEntity,
  ProtocolVersionEntity,
  ProtocolReviewEntity,
  DatasetEntity,
  DatasetVersionEntity,
  DatasetVersionFileEntity,
  CatalogInstanceEntity,
  CatalogCellEntity,
  CatalogLabelCellEntity,
  CatalogVersionFacetEntity,
  SubmissionEntity,
  SubmissionEventEntity,
  SubmissionFileEntity,
  SubmissionLabelCountEntity,
  CohortEntity,
  CohortMemberEntity,
  AgreementAcceptanceEntity,
  AccessRequestEntity,
];
