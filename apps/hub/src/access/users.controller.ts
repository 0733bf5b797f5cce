import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '@imagora/auth';
import { Principal } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiSignedIn } from '../docs/api-docs.decorators';
import { CreateUserDto, UserDto } from './access.dto';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (hub admins)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiSignedIn(400, 403, 409, 422)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateUserDto): Promise<UserDto> {
    return UserDto.of(await this.runtime.access.users.create(principal, body));
  }

  @Get()
  @ApiOperation({ summary: 'List users (hub admins)' })
  @ApiOkResponse({ type: [UserDto] })
  @ApiSignedIn(403)
  async list(@CurrentPrincipal() principal: Principal): Promise<UserDto[]> {
    return (await this.runtime.access.users.list(principal)).map(UserDto.of);
  }
}
