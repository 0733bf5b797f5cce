import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Dataset, DatasetVersion, Submission, SubmissionEvent, SubmissionFile } from '@imagora/domain';

export class CreateDatasetDto {
  @ApiProperty({ example: 'st-elsewhere' }) @IsString() @MaxLength(64) organization!: string;
  @ApiProperty({ example: 'chest-ct-2026' }) @IsString() @MaxLength(64) slug!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(300) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) description?: string;
  @ApiProperty({ example: 'CC-BY-4.0', description: 'SPDX license id' }) @IsString() @MaxLength(100) license!: string;
  @ApiPropertyOptional({ enum: ['open', 'registered', 'controlled'], default: 'registered' })
  @IsOptional()
  @IsIn(['open', 'registered', 'controlled'])
  accessPolicy?: 'open' | 'registered' | 'controlled';
  @ApiPropertyOptional({ description: 'Data-use agreement text (needed unless open)' }) @IsOptional() @IsString() @MaxLength(100000) dataUseAgreement?: string;
}

export class DatasetVersionDto {
  @ApiProperty() number!: number;
  @ApiProperty() protocol!: string;
  @ApiProperty() manifestSha256!: string;
  @ApiProperty() files!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty() releasedAt!: string;

  static of(v: DatasetVersion): DatasetVersionDto {
    return { number: v.number, protocol: v.protocol, manifestSha256: v.manifestSha256, files: v.files, bytes: v.bytes, releasedAt: v.releasedAt.toISOString() };
  }
}

export class DatasetDto {
  @ApiProperty() id!: string;
  @ApiProperty() organization!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty() license!: string;
  @ApiProperty({ enum: ['open', 'registered', 'controlled'] }) accessPolicy!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) dataUseAgreement!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ type: [DatasetVersionDto] }) versions?: DatasetVersionDto[];

  static of(d: Dataset, versions?: DatasetVersion[]): DatasetDto {
    return {
      id: d.id,
      organization: d.organizationSlug,
      slug: d.slug,
      title: d.title,
      description: d.description,
      license: d.license,
      accessPolicy: d.accessPolicy,
      dataUseAgreement: d.dataUseAgreement,
      createdAt: d.createdAt.toISOString(),
      ...(versions ? { versions: versions.map(DatasetVersionDto.of) } : {}),
    };
  }
}

export class CreateSubmissionDto {
  @ApiProperty({ example: 'st-elsewhere/chest-ct-2026', description: 'ORGANIZATION/DATASET' }) @IsString() @MaxLength(200) dataset!: string;
  @ApiProperty({ example: 'lidc-lung-nodule-ct@1.1.0' }) @IsString() @MaxLength(200) protocol!: string;
  @ApiPropertyOptional({ description: 'Files were de-identified before upload (imagora upload --deid-local): the hub verifies them instead' })
  @IsOptional()
  @IsBoolean()
  deidLocal?: boolean;
}

export class FileDeclarationDto {
  @ApiProperty({ example: 'images/ct/0001.dcm' }) @IsString() @MaxLength(4096) path!: string;
  @ApiProperty() @IsInt() @Min(0) size!: number;
  @ApiProperty({ description: 'sha256 of the file, lowercase hex' }) @IsString() @Matches(/^[0-9a-f]{64}$/) sha256!: string;
}

export class RegisterFilesDto {
  @ApiProperty({ type: [FileDeclarationDto] })
  @ValidateNested({ each: true })
  @Type(() => FileDeclarationDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  files!: FileDeclarationDto[];
}

export class UploadedPartDto {
  @ApiProperty() @IsInt() @Min(1) partNumber!: number;
  @ApiProperty({ description: 'The ETag header the store answered the part PUT with' }) @IsString() @MaxLength(200) etag!: string;
}

export class CompleteFileDto {
  @ApiPropertyOptional({ type: [UploadedPartDto], description: 'Needed where the store cannot list parts (e.g. the embedded s3rver)' })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => UploadedPartDto)
  @ArrayMaxSize(10000)
  parts?: UploadedPartDto[];
}

export class ReasonDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) reason?: string;
}

export class RequiredReasonDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(5000) reason!: string;
}

export class SubmissionFileDto {
  @ApiProperty() id!: string;
  @ApiProperty() path!: string;
  @ApiProperty() size!: number;
  @ApiProperty() sha256!: string;
  @ApiProperty({ enum: ['dicom', 'annotation', 'metadata', 'other'] }) kind!: string;
  @ApiProperty({ enum: ['registered', 'uploading', 'stored'], description: 'stored: uploaded and checked by the hub' }) state!: string;

  static of(f: SubmissionFile): SubmissionFileDto {
    return { id: f.id, path: f.path, size: f.size, sha256: f.sha256, kind: f.kind, state: f.state };
  }
}

export class SubmissionEventDto {
  @ApiPropertyOptional({ nullable: true, type: String }) from!: string | null;
  @ApiProperty() to!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) actor!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() at!: string;

  static of(e: SubmissionEvent): SubmissionEventDto {
    return { from: e.fromState, to: e.toState, actor: e.actorUserId, reason: e.reason, at: e.at.toISOString() };
  }
}

export class SubmissionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'st-elsewhere/chest-ct-2026' }) dataset!: string;
  @ApiProperty() protocol!: string;
  @ApiProperty() state!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty() deidLocal!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) releasedVersion!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reviewReason!: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'schemas/validation-report.schema.json' }) validationReport!: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) deidReport!: unknown;
  @ApiPropertyOptional({ type: [SubmissionEventDto] }) events?: SubmissionEventDto[];

  static of(s: Submission, events?: SubmissionEvent[]): SubmissionDto {
    return {
      id: s.id,
      dataset: `${s.organizationSlug}/${s.datasetSlug}`,
      protocol: `${s.protocolName}@${s.protocolVersion}`,
      state: s.state,
      failureReason: s.failureReason,
      deidLocal: s.deidLocal,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
      releasedVersion: s.releasedVersion,
      reviewReason: s.reviewReason,
      validationReport: s.validationReport,
      deidReport: s.deidReport,
      ...(events ? { events: events.map(SubmissionEventDto.of) } : {}),
    };
  }
}
