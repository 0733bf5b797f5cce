import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { documentOf, ProtocolReview, ProtocolSummary, ProtocolVersionView } from '@imagora/domain';

const STATUSES = ['draft', 'in-review', 'published', 'deprecated'];

export class CreateProtocolDto {
  @ApiProperty({ example: 'chest-xray-pneumothorax', description: 'lowercase words joined by -' })
  @IsString()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 'Pneumothorax segmentation on chest radiographs' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title!: string;

  @ApiPropertyOptional({ description: 'Owning organization (its committee members write the protocol); default: your only committee organization' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  organization?: string;
}

export class ReviewDto {
  @ApiProperty({ enum: ['approve', 'request-changes'] })
  @IsIn(['approve', 'request-changes'])
  decision!: 'approve' | 'request-changes';

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  comment?: string;
}

export class DeprecateDto {
  @ApiProperty({ example: 'superseded by 2.0.0, which codes nodules with RadLex' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ example: 'lidc-lung-nodule-ct@2.0.0' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]+@\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/)
  replacement?: string;
}

export class ProtocolReviewDto {
  @ApiProperty() reviewer!: string;
  @ApiProperty({ enum: ['approve', 'request-changes'] }) decision!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ description: 'sha256 of the draft content reviewed' }) sha256!: string;
  @ApiProperty() createdAt!: string;

  static of(review: ProtocolReview): ProtocolReviewDto {
    return { reviewer: review.reviewerUsername, decision: review.decision, comment: review.comment, sha256: review.sha256, createdAt: review.createdAt.toISOString() };
  }
}

export class ProtocolVersionDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ description: 'sha256 of the canonical JSON of the document (also the ETag)' }) sha256!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The protocol document' }) document!: unknown;
  @ApiProperty() organization!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) publishedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'user id of the publisher; null for protocols shipped with the hub' }) publishedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) deprecatedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) deprecationReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) replacement!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Compact JWS (ES256, hub key; verify with /.well-known/jwks.json) over name, version and sha256' })
  signature!: string | null;
  @ApiProperty({ description: 'Approvals of the current content by committee members other than its authors' }) approvals!: number;
  @ApiProperty({ type: [ProtocolReviewDto] }) reviews!: ProtocolReviewDto[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(view: ProtocolVersionView): ProtocolVersionDto {
    const { version, protocol, reviews } = view;
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      name: version.name,
      version: version.version,
      status: version.status,
      sha256: version.sha256,
      document: documentOf(version),
      organization: protocol.organizationSlug,
      publishedAt: iso(version.publishedAt),
      publishedBy: version.publishedBy,
      deprecatedAt: iso(version.deprecatedAt),
      deprecationReason: version.deprecationReason,
      replacement: version.replacement,
      signature: version.signature,
      approvals: new Set(reviews.filter((r) => r.decision === 'approve' && r.sha256 === version.sha256 && !version.editors.includes(r.reviewerId)).map((r) => r.reviewerId)).size,
      reviews: reviews.map(ProtocolReviewDto.of),
      createdAt: version.createdAt.toISOString(),
      updatedAt: version.updatedAt.toISOString(),
    };
  }
}

export class VersionStatusDto {
  @ApiProperty() version!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
}

export class ProtocolSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty() title!: string;
  @ApiProperty() organization!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Highest published or deprecated version' }) latestVersion!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) latestStatus!: string | null;
  @ApiProperty({ type: [VersionStatusDto] }) versions!: VersionStatusDto[];

  static of(summary: ProtocolSummary): ProtocolSummaryDto {
    return {
      name: summary.name,
      title: summary.title,
      organization: summary.organizationSlug,
      latestVersion: summary.latestVersion,
      latestStatus: summary.latestStatus,
      versions: summary.versions,
    };
  }
}

export class CompatibilityChangeDto {
  @ApiProperty({ description: 'RFC 6901 pointer into the protocol document' }) pointer!: string;
  @ApiProperty({ example: 'required-added' }) kind!: string;
  @ApiProperty({ type: [String], enum: ['BACKWARD', 'FORWARD'] }) breaks!: string[];
  @ApiProperty() message!: string;
}

export class DiffDto {
  @ApiProperty() compatible!: boolean;
  @ApiProperty() mode!: string;
  @ApiProperty({ type: [CompatibilityChangeDto] }) changes!: CompatibilityChangeDto[];
}
