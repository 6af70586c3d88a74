import type { SandboxClock } from './interfaces';
import { IssuedTokenLog, newTokenValue } from './issued-token.log';

/** How long a superseded token keeps working, per WeChat's docs. */
export const TOKEN_GRACE_MS = 5 * 60 * 1000;

type TokenKind = 'classic' | 'stable';

interface IssuedToken {
  readonly value: string;
  readonly appId: string;
  readonly kind: TokenKind;
  readonly expiresAt: number;
  /** Set once a newer token replaced this one: it works until then, whatever its expiry. */
  graceUntil?: number;
  revoked: boolean;
}

/** What a token endpoint answers on success. */
export interface TokenGrant {
  access_token: string;
  expires_in: number;
}

/** Outcome of checking an access_token sent to an API. */
export type TokenCheck = { ok: true; appId: string } | { ok: false; errcode: 40001 | 42001 };

/**
 * Issues and checks access tokens with WeChat's rules: classic and stable tokens are isolated,
 * a superseded token keeps a 5-minute grace, a stable force refresh invalidates at once.
 */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly latest = new Map<string, IssuedToken>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly ttlSeconds: number,
    private readonly log = new IssuedTokenLog(),
  ) {}

  /** `/cgi-bin/token`: always a new token; the previous one gets the grace period. */
  issueClassic(appId: string): TokenGrant {
    const previous = this.latest.get(latestKey('classic', appId));
    if (previous) this.supersede(previous);
    return this.grant(this.issue('classic', appId));
  }

  /** `/cgi-bin/stable_token`. */
  issueStable(appId: string, forceRefresh: boolean): TokenGrant {
    const now = this.clock.now();
    const current = this.latest.get(latestKey('stable', appId));
    if (forceRefresh) {
      for (const token of this.tokens.values()) {
        if (token.kind === 'stable' && token.appId === appId) token.revoked = true;
      }
    } else if (current && this.check(current.value).ok && current.graceUntil === undefined) {
      const remaining = current.expiresAt - now;
      if (remaining > TOKEN_GRACE_MS) {
        return { access_token: current.value, expires_in: Math.floor(remaining / 1000) };
      }
      this.supersede(current);
    }
    return this.grant(this.issue('stable', appId));
  }

  check(value: string): TokenCheck {
    const token = this.tokens.get(value);
    if (!token || token.revoked) return { ok: false, errcode: 40001 };
    const now = this.clock.now();
    if (token.graceUntil !== undefined) {
      return now < token.graceUntil
        ? { ok: true, appId: token.appId }
        : { ok: false, errcode: 40001 };
    }
    if (now >= token.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, appId: token.appId };
  }

  revokeAll(): void {
    for (const token of this.tokens.values()) token.revoked = true;
  }

  private supersede(token: IssuedToken): void {
    const now = this.clock.now();
    // An already expired or invalid token stays as it is (42001 / 40001).
    if (token.revoked || token.graceUntil !== undefined || now >= token.expiresAt) return;
    token.graceUntil = now + TOKEN_GRACE_MS;
  }

  private issue(kind: TokenKind, appId: string): IssuedToken {
    let value: string;
    do {
      value = newTokenValue();
    } while (this.tokens.has(value));
    const token: IssuedToken = {
      value,
      appId,
      kind,
      expiresAt: this.clock.now() + this.ttlSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(value, token);
    this.latest.set(latestKey(kind, appId), token);
    this.log.record(value);
    return token;
  }

  private grant(token: IssuedToken): TokenGrant {
    return { access_token: token.value, expires_in: this.ttlSeconds };
  }
}

function latestKey(kind: TokenKind, appId: string): string {
  return `${kind}\u0000${appId}`;
}
