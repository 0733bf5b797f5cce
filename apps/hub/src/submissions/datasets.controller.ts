import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '@imagora/auth';
import { Principal } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiErrors, ApiSignedIn } from '../docs/api-docs.decorators';
import { CreateDatasetDto, DatasetDto } from './submissions.dto';

@ApiTags('datasets')
@Controller('api/v1/datasets')
export class DatasetsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post()
  @ApiOperation({ summary: 'Create a dataset of your organization (contributors)' })
  @ApiCreatedResponse({ type: DatasetDto })
  @ApiSignedIn(400, 403, 404, 409, 422)
  async create(@CurrentPrincipal() actor: Principal, @Body() body: CreateDatasetDto): Promise<DatasetDto> {
    return DatasetDto.of(await this.runtime.submissions.datasets.create(actor, body));
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'List datasets (titles, licenses and access policies are public)' })
  @ApiQuery({ name: 'organization', required: false })
  @ApiOkResponse({ type: [DatasetDto] })
  async list(@Query('organization') organization?: string): Promise<DatasetDto[]> {
    return (await this.runtime.submissions.datasets.list(organization)).map((d) => DatasetDto.of(d));
  }

  @Public()
  @Get(':org/:slug')
  @ApiOperation({ summary: 'A dataset and its released versions' })
  @ApiOkResponse({ type: DatasetDto })
  @ApiErrors(404)
  async get(@Param('org') org: string, @Param('slug') slug: string): Promise<DatasetDto> {
    const { dataset, versions } = await this.runtime.submissions.datasets.get(org, slug);
    return DatasetDto.of(dataset, versions);
  }
}
