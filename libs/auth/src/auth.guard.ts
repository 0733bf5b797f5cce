import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthErrorCode, DomainError, Role } from '@imagora/core';
import { holdsRole, Principal } from '@imagora/domain';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';

/** Global guard: every route needs a valid credential unless it is marked @Public(). */
@Injectable()
export class DenyByDefaultGuard extends AuthGuard('bearer') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      // Public routes still recognise a caller who sent a valid credential; an invalid one counts as anonymous.
      if (request.headers.authorization) await Promise.resolve(super.canActivate(context)).catch(() => undefined);
      return true;
    }
    await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length) {
      const principal = request.user as Principal;
      const organization = typeof request.params?.org === 'string' ? request.params.org : undefined;
      if (!roles.some((role) => holdsRole(principal, role, organization))) {
        throw new DomainError(AuthErrorCode.FORBIDDEN, `requires role ${roles.join(' or ')}${organization ? ` in organization "${organization}"` : ''}`, {
          requiredRoles: roles,
        });
      }
    }
    return true;
  }

  override handleRequest<T>(error: unknown, user: T): T {
    if (error || !user) {
      throw new DomainError(AuthErrorCode.UNAUTHENTICATED, 'a valid bearer token or API key is required');
    }
    return user;
  }
}
