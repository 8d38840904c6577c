import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccessTokens, bearerToken, type AccessIdentity } from '../../security/access-tokens';

/** Requires a valid access token; puts the caller on the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokens) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { caller?: AccessIdentity }>();
    req.caller = await this.tokens.verify(bearerToken(req.headers.authorization));
    return true;
  }
}
