import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { AuthResult, TokenPair } from '@converge/protocol';
import { AuthService } from '../../domain/auth.service';
import { jwks, type KeySet } from '../../security/signing-keys';
import { Inject } from '@nestjs/common';
import { KEY_SET } from '../../injection-tokens';
import { ClientIp } from './caller';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(KEY_SET) private readonly keys: KeySet,
  ) {}

  @Post('auth/register')
  register(@Body() body: unknown, @ClientIp() ip: string): Promise<AuthResult> {
    return this.auth.register(body, ip);
  }

  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: unknown, @ClientIp() ip: string): Promise<AuthResult> {
    return this.auth.login(body, ip);
  }

  @Post('auth/refresh')
  @HttpCode(200)
  refresh(@Body() body: unknown): Promise<TokenPair> {
    return this.auth.refresh(body);
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Body() body: unknown): Promise<void> {
    await this.auth.logout(body);
  }

  @Get('.well-known/jwks.json')
  jwks(): ReturnType<typeof jwks> {
    return jwks(this.keys);
  }
}
