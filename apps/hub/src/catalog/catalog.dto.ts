import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { AccessRequest, CatalogQuery, Cohort } from '@imagora/domain';

export class CatalogQueryDto implements CatalogQuery {
  @ApiPropertyOptional({ type: [String], example: ['lidc-lung-nodule-ct@1.1.0'] }) @IsOptional() @IsArray() @IsString({ each: true }) protocol?: string[];
  @ApiPropertyOptional({ type: [String], example: ['nodule'] }) @IsOptional() @IsArray() @IsString({ each: true }) label?: string[];
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) @Max(200) labelMin?: number;
  @ApiPropertyOptional({ type: [String], example: ['CT'] }) @IsOptional() @IsArray() @IsString({ each: true }) modality?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) bodyPart?: string[];
  @ApiPropertyOptional({ type: [String], example: ['F'] }) @IsOptional() @IsArray() @IsString({ each: true }) sex?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(200) ageMin?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(200) ageMax?: number;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) manufacturer?: string[];
  @ApiPropertyOptional({ type: [String], example: ['north/findings'] }) @IsOptional() @IsArray() @IsString({ each: true }) dataset?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) organization?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) text?: string;
}

export class CreateCohortDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiProperty({ type: CatalogQueryDto }) @ValidateNested() @Type(() => CatalogQueryDto) query!: CatalogQueryDto;
}

export class AccessRequestBodyDto {
  @ApiProperty({ description: 'What the data is for' }) @IsString() @MinLength(1) @MaxLength(5000) purpose!: string;
}

export class AccessDecisionDto {
  @ApiProperty() @IsBoolean() approve!: boolean;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(5000) reason!: string;
}

export class AccessRequestDto {
  @ApiProperty() id!: string;
  @ApiProperty() dataset!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'denied'] }) state!: string;
  @ApiProperty() purpose!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) decisionReason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) decidedAt!: string | null;

  static of(r: AccessRequest): AccessRequestDto {
    return {
      id: r.id,
      dataset: r.dataset,
      username: r.username,
      state: r.state,
      purpose: r.purpose,
      decisionReason: r.decisionReason,
      createdAt: new Date(r.createdAt).toISOString(),
      decidedAt: r.decidedAt ? new Date(r.decidedAt).toISOString() : null,
    };
  }
}

export class CohortDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) query!: CatalogQuery;
  @ApiProperty() createdAt!: string;
  @ApiProperty() instances!: number;
  @ApiPropertyOptional() studies?: number;
  @ApiPropertyOptional() series?: number;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) datasets?: Cohort['datasets'];
  @ApiPropertyOptional({ description: 'How to cite this cohort' }) citation?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Spread over organizations, scanners, modality, sex and age, with warnings where one value dominates' })
  diversity?: Cohort['diversity'];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'Datasets you may not download yet, and how to get access' })
  blocked?: Array<{ dataset: string; policy: string; how: string }>;

  static of(c: Partial<Cohort> & Pick<Cohort, 'id' | 'name' | 'description' | 'query' | 'createdAt' | 'instances'>, blocked?: CohortDto['blocked']): CohortDto {
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      query: c.query,
      createdAt: new Date(c.createdAt).toISOString(),
      instances: c.instances,
      ...(c.datasets ? { studies: c.studies, series: c.series, datasets: c.datasets, citation: c.citation, diversity: c.diversity } : {}),
      ...(blocked ? { blocked } : {}),
    };
  }
}
