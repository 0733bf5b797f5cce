import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { AuthenticateUseCase, Principal } from '@imagora/domain';

/** One bearer scheme for both credentials: a hub-signed JWT or an `imk_…` API key. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly authenticateUseCase: AuthenticateUseCase) {
    super();
  }

  async validate(token: string): Promise<Principal | false> {
    return (await this.authenticateUseCase.execute(token)) ?? false;
  }
}
