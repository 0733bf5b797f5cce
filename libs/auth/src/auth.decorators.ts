import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Role } from '@imagora/core';
import { Principal } from '@imagora/domain';

export const IS_PUBLIC = 'imagora:public';
export const REQUIRED_ROLES = 'imagora:roles';

/** Anyone may call this route, signed in or not (the guard denies every other route by default). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The caller must hold one of these roles (admin counts as every role): in the organization named by the
 * route's `:org` parameter when there is one, otherwise in any organization.
 */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal | undefined => {
  return context.switchToHttp().getRequest().user;
});
