import { randomBytes } from 'node:crypto';
import type { SandboxClock, SandboxComponentConfig } from '../interfaces';
import type { IssuedTokenLog } from '../issued-token.log';
import { newTokenValue } from '../issued-token.log';

/** A `component_verify_ticket` works this long after it was pushed. */
export const COMPONENT_TICKET_TTL_MS = 12 * 3600 * 1000;

/** `expires_in` of a `pre_auth_code`. */
export const PRE_AUTH_CODE_TTL_SECONDS = 600;

interface IssuedTicket {
  readonly componentAppId: string;
  readonly issuedAt: number;
}

interface ComponentToken {
  readonly componentAppId: string;
  readonly expiresAt: number;
  revoked: boolean;
}

interface PreAuthCode {
  readonly componentAppId: string;
  readonly expiresAt: number;
  used: boolean;
}

/** What `api_component_token` answers on success. */
export interface ComponentTokenGrant {
  component_access_token: string;
  expires_in: number;
}

/** Outcome of checking a `component_access_token`. */
export type ComponentTokenCheck =
  { ok: true; componentAppId: string } | { ok: false; errcode: 40001 | 42001 };

/**
 * The third-party platforms: their config, the tickets pushed to them, their
 * `component_access_token`s and `pre_auth_code`s.
 *
 * Every `api_component_token` call issues a new token; earlier ones keep working until their own
 * expiry (WeChat documents no replacement rule for this token).
 */
export class ComponentRegistry {
  private readonly configs = new Map<string, SandboxComponentConfig>();
  private readonly tickets = new Map<string, IssuedTicket>();
  private readonly tokens = new Map<string, ComponentToken>();
  private readonly preAuthCodes = new Map<string, PreAuthCode>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly ttlSeconds: number,
    private readonly log: IssuedTokenLog,
  ) {}

  /** Adds a platform, or replaces the config of the one with that appid (its state stays). */
  add(config: SandboxComponentConfig): void {
    this.configs.set(config.componentAppId, { ...config });
  }

  get(componentAppId: string): SandboxComponentConfig | undefined {
    const config = this.configs.get(componentAppId);
    return config && { ...config };
  }

  has(componentAppId: string): boolean {
    return this.configs.has(componentAppId);
  }

  /** A new opaque ticket, valid {@link COMPONENT_TICKET_TTL_MS} from now. */
  issueTicket(componentAppId: string): string {
    let ticket: string;
    do {
      ticket = `ticket@@@${randomBytes(48).toString('base64url')}`;
    } while (this.tickets.has(ticket));
    this.tickets.set(ticket, { componentAppId, issuedAt: this.clock.now() });
    return ticket;
  }

  /**
   * `api_component_token`'s checks after the fields are present: unknown appid (`61011` when it
   * is a mini program's, else `40013`), secret (`40125`), ticket never pushed to this platform
   * (`61006`) or older than 12 h (`61005`). `undefined` when all pass.
   */
  credentialError(
    componentAppId: string,
    secret: string,
    ticket: string | undefined,
    isMiniProgram: boolean,
  ): number | undefined {
    const config = this.configs.get(componentAppId);
    if (!config) return isMiniProgram ? 61011 : 40013;
    if (config.componentSecret !== secret) return 40125;
    const issued = ticket === undefined ? undefined : this.tickets.get(ticket);
    if (!issued || issued.componentAppId !== componentAppId) return 61006;
    if (this.clock.now() - issued.issuedAt >= COMPONENT_TICKET_TTL_MS) return 61005;
    return undefined;
  }

  issueToken(componentAppId: string): ComponentTokenGrant {
    let value: string;
    do {
      value = newTokenValue();
    } while (this.tokens.has(value));
    this.tokens.set(value, {
      componentAppId,
      expiresAt: this.clock.now() + this.ttlSeconds * 1000,
      revoked: false,
    });
    this.log.record(value);
    return { component_access_token: value, expires_in: this.ttlSeconds };
  }

  checkToken(value: string): ComponentTokenCheck {
    const token = this.tokens.get(value);
    if (!token || token.revoked) return { ok: false, errcode: 40001 };
    if (this.clock.now() >= token.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, componentAppId: token.componentAppId };
  }

  revokeAllTokens(): void {
    for (const token of this.tokens.values()) token.revoked = true;
  }

  issuePreAuthCode(componentAppId: string): { pre_auth_code: string; expires_in: number } {
    let code: string;
    do {
      code = `preauthcode@@@${randomBytes(48).toString('base64url')}`;
    } while (this.preAuthCodes.has(code));
    this.preAuthCodes.set(code, {
      componentAppId,
      expiresAt: this.clock.now() + PRE_AUTH_CODE_TTL_SECONDS * 1000,
      used: false,
    });
    return { pre_auth_code: code, expires_in: PRE_AUTH_CODE_TTL_SECONDS };
  }

  /** Uses up a `pre_auth_code`; `false` when it is unknown, another platform's, used or expired. */
  usePreAuthCode(componentAppId: string, code: string): boolean {
    const issued = this.preAuthCodes.get(code);
    if (!issued || issued.componentAppId !== componentAppId || issued.used) return false;
    if (this.clock.now() >= issued.expiresAt) return false;
    issued.used = true;
    return true;
  }
}
