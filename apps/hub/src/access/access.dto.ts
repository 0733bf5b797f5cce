import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ALL_ROLES, Role } from '@imagora/core';
import { ApiKey, Membership, Organization, OrganizationMember, Principal, User } from '@imagora/domain';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class TokenDto {
  @ApiProperty({ description: 'ES256-signed JWT; verify with /.well-known/jwks.json' })
  accessToken!: string;
  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';
  @ApiProperty({ example: 3600 })
  expiresIn!: number;
}

export class MembershipDto {
  @ApiProperty() organization!: string;
  @ApiProperty({ enum: ALL_ROLES }) role!: Role;

  static of(m: Membership): MembershipDto {
    return { organization: m.organizationSlug, role: m.role };
  }
}

export class PrincipalDto {
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['token', 'api-key'] }) authenticatedBy!: string;
  @ApiProperty() isHubAdmin!: boolean;
  @ApiProperty({ type: [MembershipDto] }) memberships!: MembershipDto[];

  static of(p: Principal): PrincipalDto {
    return { userId: p.userId, username: p.username, authenticatedBy: p.authenticatedBy, isHubAdmin: p.isHubAdmin, memberships: p.memberships.map(MembershipDto.of) };
  }
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'st-elsewhere', description: 'lowercase letters, digits and -' })
  @IsString()
  @MaxLength(64)
  slug!: string;

  @ApiProperty({ example: 'St. Elsewhere Hospital' })
  @IsString()
  @MaxLength(200)
  name!: string;
}

export class OrganizationDto {
  @ApiProperty() id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The root organization: its admins administer the hub' }) isRoot!: boolean;
  @ApiProperty() createdAt!: string;

  static of(o: Organization): OrganizationDto {
    return { id: o.id, slug: o.slug, name: o.name, isRoot: o.isRoot, createdAt: o.createdAt.toISOString() };
  }
}

export class CreateUserDto {
  @ApiProperty({ example: 'ada' })
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;
}

export class UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: string;

  static of(u: User): UserDto {
    return { id: u.id, username: u.username, displayName: u.displayName, disabled: u.disabled, createdAt: u.createdAt.toISOString() };
  }
}

export class AddMemberDto {
  @ApiProperty({ example: 'ada' })
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiProperty({ enum: ALL_ROLES })
  @IsIn(ALL_ROLES)
  role!: Role;
}

export class MemberDto {
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ALL_ROLES }) role!: Role;

  static of(m: OrganizationMember): MemberDto {
    return { username: m.username, displayName: m.displayName, role: m.role };
  }
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci uploader' })
  @IsString()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: 90, minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

export class ApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) revokedAt!: string | null;

  static of(k: ApiKey): ApiKeyDto {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return { id: k.id, name: k.name, createdAt: k.createdAt.toISOString(), expiresAt: iso(k.expiresAt), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself, shown only in this response: store it now' })
  key!: string;
}
