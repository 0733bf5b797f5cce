import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Public } from '@imagora/auth';
import { Principal } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiErrors, ApiSignedIn } from '../docs/api-docs.decorators';
import { LoginDto, PrincipalDto, TokenDto } from './access.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Public()
  @Post('api/v1/auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for an ES256-signed access token' })
  @ApiOkResponse({ type: TokenDto })
  @ApiErrors(400, 401, 413)
  async login(@Body() body: LoginDto, @Req() request: Request): Promise<TokenDto> {
    const { token, expiresInSeconds } = await this.runtime.access.login.execute({ ...body, remoteAddress: request.ip });
    return { accessToken: token, tokenType: 'Bearer', expiresIn: expiresInSeconds };
  }

  @Get('api/v1/auth/me')
  @ApiOperation({ summary: 'Who the credential belongs to, and their roles per organization' })
  @ApiOkResponse({ type: PrincipalDto })
  @ApiSignedIn()
  me(@CurrentPrincipal() principal: Principal): PrincipalDto {
    return PrincipalDto.of(principal);
  }

  @Public()
  @Get('.well-known/jwks.json')
  @ApiTags('operations')
  @ApiOperation({ summary: 'The public keys that verify this hub’s tokens and signatures (RFC 7517)' })
  @ApiOkResponse({ schema: { example: { keys: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: '…', alg: 'ES256', use: 'sig' }] } } })
  jwks() {
    return { keys: [this.runtime.signingKey.publicJwk] };
  }
}
