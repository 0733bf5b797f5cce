import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '@imagora/auth';
import { Principal } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiSignedIn } from '../docs/api-docs.decorators';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './access.dto';

@ApiTags('api keys')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for yourself (for the CLI and automation); the key is shown once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiSignedIn(400, 422)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { apiKey, plaintext } = await this.runtime.access.apiKeys.create(principal, body);
    return { ...ApiKeyDto.of(apiKey), key: plaintext };
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys (never their secrets)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  @ApiSignedIn()
  async list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return (await this.runtime.access.apiKeys.list(principal)).map(ApiKeyDto.of);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of your API keys; it stops working at once' })
  @ApiNoContentResponse()
  @ApiSignedIn(404)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.runtime.access.apiKeys.revoke(principal, id);
  }
}
