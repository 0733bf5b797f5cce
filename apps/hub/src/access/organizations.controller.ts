import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '@imagora/auth';
import { Principal } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiSignedIn } from '../docs/api-docs.decorators';
import { AddMemberDto, CreateOrganizationDto, MemberDto, OrganizationDto } from './access.dto';

@ApiTags('organizations')
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post()
  @ApiOperation({ summary: 'Create an organization (hub admins: admins of the root organization)' })
  @ApiCreatedResponse({ type: OrganizationDto })
  @ApiSignedIn(400, 403, 409, 422)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrganizationDto): Promise<OrganizationDto> {
    return OrganizationDto.of(await this.runtime.access.organizations.create(principal, body));
  }

  @Get()
  @ApiOperation({ summary: 'List organizations' })
  @ApiOkResponse({ type: [OrganizationDto] })
  @ApiSignedIn()
  async list(): Promise<OrganizationDto[]> {
    return (await this.runtime.access.organizations.list()).map(OrganizationDto.of);
  }

  @Get(':org/members')
  @ApiOperation({ summary: 'Members of an organization and their roles (members and hub admins)' })
  @ApiOkResponse({ type: [MemberDto] })
  @ApiSignedIn(403, 404)
  async members(@CurrentPrincipal() principal: Principal, @Param('org') org: string): Promise<MemberDto[]> {
    return (await this.runtime.access.organizations.members(principal, org)).map(MemberDto.of);
  }

  @Put(':org/members')
  @ApiOperation({ summary: 'Give a user a role in the organization (organization admins and hub admins)' })
  @ApiOkResponse({ type: [MemberDto], description: 'The organization’s members after the change' })
  @ApiSignedIn(400, 403, 404, 422)
  async addMember(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Body() body: AddMemberDto): Promise<MemberDto[]> {
    return (await this.runtime.access.organizations.grant(principal, { organizationSlug: org, username: body.username, role: body.role })).map(MemberDto.of);
  }

  @Delete(':org/members/:username/roles/:role')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take a role away from a member' })
  @ApiNoContentResponse()
  @ApiSignedIn(403, 404, 409, 422)
  async removeMember(
    @CurrentPrincipal() principal: Principal,
    @Param('org') org: string,
    @Param('username') username: string,
    @Param('role') role: string,
  ): Promise<void> {
    await this.runtime.access.organizations.revoke(principal, { organizationSlug: org, username, role });
  }
}
