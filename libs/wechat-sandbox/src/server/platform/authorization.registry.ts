import { randomBytes } from 'node:crypto';
import { SandboxInputError } from '../errors';
import type { SandboxClock } from '../interfaces';
import type { IssuedTokenLog } from '../issued-token.log';
import { newTokenValue } from '../issued-token.log';

/** An authorisation code works this long (single use). */
export const AUTHORIZATION_CODE_TTL_MS = 10 * 60 * 1000;

/** One mini program's authorisation of one platform; a new object after each re-authorisation. */
interface Authorization {
  readonly componentAppId: string;
  readonly authorizerAppId: string;
  funcIds: number[];
  /** Epoch ms of the `authorized` event. */
  readonly authTime: number;
  /** Minted by the first `api_query_auth`; until then the authoriser list shows `''`. */
  refreshToken?: string;
  /** The next `api_authorizer_token` answers a new refresh token. */
  rotateNext: boolean;
  active: boolean;
}

interface AuthorizationCode {
  readonly authorization: Authorization;
  readonly expiresAt: number;
  used: boolean;
}

interface AuthorizerToken {
  readonly authorization: Authorization;
  readonly expiresAt: number;
  revoked: boolean;
}

/** `authorization_info` of `api_query_auth`. */
export interface AuthorizationInfo {
  authorizer_appid: string;
  authorizer_access_token: string;
  expires_in: number;
  authorizer_refresh_token: string;
  func_info: Array<{ funcscope_category: { id: number } }>;
}

/** What `api_authorizer_token` answers on success. */
export interface AuthorizerTokenGrant {
  authorizer_access_token: string;
  expires_in: number;
  authorizer_refresh_token: string;
}

/** One entry of `api_get_authorizer_list`. */
export interface AuthorizerListEntry {
  authorizer_appid: string;
  refresh_token: string;
  auth_time: number;
}

/** A new authorisation code and its expiry (epoch ms). */
export interface IssuedAuthorizationCode {
  code: string;
  expiresAt: number;
}

/** Outcome of checking an `authorizer_access_token` sent to a mini-program API. */
export type AuthorizerTokenCheck =
  { ok: true; appId: string; funcIds: readonly number[] } | { ok: false; errcode: 40001 | 42001 };

/**
 * Authorisations of mini programs to third-party platforms: codes, refresh tokens and
 * `authorizer_access_token`s.
 *
 * - A refresh token stays the same across refreshes (WeChat: only re-authorisation changes it)
 *   unless a rotation is requested; after a rotation the old one answers `61023`.
 * - Every code exchange or refresh issues a new `authorizer_access_token`; earlier ones keep
 *   working until their own expiry (undocumented at WeChat).
 * - A revocation kills the refresh token, every authorizer token and every unused code.
 */
export class AuthorizationRegistry {
  private readonly current = new Map<string, Authorization>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly tokens = new Map<string, AuthorizerToken>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly ttlSeconds: number,
    private readonly log: IssuedTokenLog,
  ) {}

  /** A first authorisation (or one after a revocation); throws if already authorised. */
  authorize(
    componentAppId: string,
    authorizerAppId: string,
    funcIds: number[],
  ): IssuedAuthorizationCode {
    const key = keyOf(componentAppId, authorizerAppId);
    if (this.current.get(key)?.active) {
      throw new SandboxInputError(
        `${authorizerAppId} has already authorised ${componentAppId}; use updateComponentAuthorization`,
      );
    }
    const authorization: Authorization = {
      componentAppId,
      authorizerAppId,
      funcIds: [...funcIds],
      authTime: this.clock.now(),
      rotateNext: false,
      active: true,
    };
    // Re-inserted at the end: the authoriser list is in authorisation order.
    this.current.delete(key);
    this.current.set(key, authorization);
    return this.newCode(authorization);
  }

  /** Whether the mini program currently authorises the platform. */
  isActive(componentAppId: string, authorizerAppId: string): boolean {
    return this.current.get(keyOf(componentAppId, authorizerAppId))?.active === true;
  }

  /** New permission sets for an existing authorisation (the refresh token stays). */
  update(
    componentAppId: string,
    authorizerAppId: string,
    funcIds: number[],
  ): IssuedAuthorizationCode {
    const authorization = this.active(componentAppId, authorizerAppId);
    authorization.funcIds = [...funcIds];
    return this.newCode(authorization);
  }

  revoke(componentAppId: string, authorizerAppId: string): void {
    this.active(componentAppId, authorizerAppId).active = false;
  }

  /** The next `api_authorizer_token` of this authorisation answers a new refresh token. */
  rotateRefreshToken(componentAppId: string, authorizerAppId: string): void {
    this.active(componentAppId, authorizerAppId).rotateNext = true;
  }

  /**
   * `api_query_auth`: uses up a code. `61009` when it is unknown, another platform's, already
   * used or its authorisation was revoked; `61010` when older than 10 minutes.
   */
  redeemCode(
    componentAppId: string,
    code: string,
  ): { ok: true; info: AuthorizationInfo } | { ok: false; errcode: 61009 | 61010 } {
    const issued = this.codes.get(code);
    if (
      !issued ||
      issued.authorization.componentAppId !== componentAppId ||
      issued.used ||
      !issued.authorization.active
    ) {
      return { ok: false, errcode: 61009 };
    }
    if (this.clock.now() >= issued.expiresAt) return { ok: false, errcode: 61010 };
    issued.used = true;
    const authorization = issued.authorization;
    authorization.refreshToken ??= this.newRefreshToken();
    return {
      ok: true,
      info: {
        authorizer_appid: authorization.authorizerAppId,
        authorizer_access_token: this.issueToken(authorization),
        expires_in: this.ttlSeconds,
        authorizer_refresh_token: authorization.refreshToken,
        func_info: authorization.funcIds.map((id) => ({ funcscope_category: { id } })),
      },
    };
  }

  /**
   * `api_authorizer_token`: `61003` when the app has not (or no longer) authorised the platform,
   * `61023` when the refresh token is not its current one.
   */
  refresh(
    componentAppId: string,
    authorizerAppId: string,
    refreshToken: string | undefined,
  ): { ok: true; grant: AuthorizerTokenGrant } | { ok: false; errcode: 61003 | 61023 } {
    const authorization = this.current.get(keyOf(componentAppId, authorizerAppId));
    if (!authorization?.active) return { ok: false, errcode: 61003 };
    if (authorization.refreshToken === undefined || refreshToken !== authorization.refreshToken) {
      return { ok: false, errcode: 61023 };
    }
    if (authorization.rotateNext) {
      authorization.rotateNext = false;
      authorization.refreshToken = this.newRefreshToken();
    }
    return {
      ok: true,
      grant: {
        authorizer_access_token: this.issueToken(authorization),
        expires_in: this.ttlSeconds,
        authorizer_refresh_token: authorization.refreshToken,
      },
    };
  }

  /** `api_get_authorizer_list`: the current authorisations, in authorisation order. */
  list(
    componentAppId: string,
    offset: number,
    count: number,
  ): { total_count: number; list: AuthorizerListEntry[] } {
    const all = [...this.current.values()].filter(
      (authorization) => authorization.active && authorization.componentAppId === componentAppId,
    );
    return {
      total_count: all.length,
      list: all.slice(offset, offset + count).map((authorization) => ({
        authorizer_appid: authorization.authorizerAppId,
        refresh_token: authorization.refreshToken ?? '',
        auth_time: Math.floor(authorization.authTime / 1000),
      })),
    };
  }

  /** `undefined` when `value` is not an authorizer token at all. */
  checkAccessToken(value: string): AuthorizerTokenCheck | undefined {
    const token = this.tokens.get(value);
    if (!token) return undefined;
    if (token.revoked || !token.authorization.active) return { ok: false, errcode: 40001 };
    if (this.clock.now() >= token.expiresAt) return { ok: false, errcode: 42001 };
    return {
      ok: true,
      appId: token.authorization.authorizerAppId,
      funcIds: [...token.authorization.funcIds],
    };
  }

  revokeAllTokens(): void {
    for (const token of this.tokens.values()) token.revoked = true;
  }

  private active(componentAppId: string, authorizerAppId: string): Authorization {
    const authorization = this.current.get(keyOf(componentAppId, authorizerAppId));
    if (!authorization?.active) {
      throw new SandboxInputError(`${authorizerAppId} has not authorised ${componentAppId}`);
    }
    return authorization;
  }

  private newCode(authorization: Authorization): IssuedAuthorizationCode {
    let code: string;
    do {
      code = `queryauthcode@@@${randomBytes(48).toString('base64url')}`;
    } while (this.codes.has(code));
    const expiresAt = this.clock.now() + AUTHORIZATION_CODE_TTL_MS;
    this.codes.set(code, { authorization, expiresAt, used: false });
    return { code, expiresAt };
  }

  private newRefreshToken(): string {
    const value = `refreshtoken@@@${randomBytes(48).toString('base64url')}`;
    this.log.record(value);
    return value;
  }

  private issueToken(authorization: Authorization): string {
    let value: string;
    do {
      value = newTokenValue();
    } while (this.tokens.has(value));
    this.tokens.set(value, {
      authorization,
      expiresAt: this.clock.now() + this.ttlSeconds * 1000,
      revoked: false,
    });
    this.log.record(value);
    return value;
  }
}

function keyOf(componentAppId: string, authorizerAppId: string): string {
  return `${componentAppId}\u0000${authorizerAppId}`;
}
