import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { InjectAppConfig, type AppConfig } from '../config';

const BEARER = /^Bearer ([^\s]+)$/i;

/** A fixed-length digest, so the comparison takes the same time whatever the token's length. */
const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Lets a request through only with `Authorization: Bearer <READ_API_TOKEN>`, compared in
 * constant time. A token in the query string does not count. Answers `401` with
 * `WWW-Authenticate: Bearer` otherwise, and nothing of the route's data.
 */
@Injectable()
export class ReadApiTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    @InjectAppConfig() config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.expected = config.readApiToken === undefined ? undefined : digest(config.readApiToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const header = http.getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (this.expected && token !== undefined && timingSafeEqual(digest(token), this.expected)) {
      return true;
    }
    this.adapterHost.httpAdapter.setHeader(
      http.getResponse(),
      'WWW-Authenticate',
      'Bearer realm="payment-notify"',
    );
    throw new UnauthorizedException('a valid Authorization: Bearer <READ_API_TOKEN> is required');
  }
}
