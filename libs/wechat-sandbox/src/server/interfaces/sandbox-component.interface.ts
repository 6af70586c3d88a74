/**
 * A WeChat Open Platform third-party platform ("component") known to the sandbox.
 *
 * @publicApi
 */
export interface SandboxComponentConfig {
  /** The platform's AppID (`component_appid`). */
  componentAppId: string;
  /** The platform's AppSecret (`component_appsecret`). */
  componentSecret: string;
  /** The message-check Token (消息校验Token) that signs pushes. */
  token: string;
  /** The EncodingAESKey (消息加解密Key): 43 characters from `[a-zA-Z0-9]`. */
  encodingAesKey: string;
}

/**
 * What the receiver of a push answered.
 *
 * @publicApi
 */
export interface SandboxComponentPushAnswer {
  /** HTTP status of the receiver's answer. */
  status: number;
  /** The receiver's answer body as text (WeChat expects `success`). */
  body: string;
}

/**
 * Result of {@link WechatSandbox.pushComponentTicket}.
 *
 * @publicApi
 */
export interface SandboxComponentTicketPush extends SandboxComponentPushAnswer {
  /** The `ComponentVerifyTicket` that was issued and pushed. */
  ticket: string;
}

/**
 * A mini program authorising (or re-authorising) a third-party platform.
 *
 * @publicApi
 */
export interface SandboxComponentAuthorizationInput {
  componentAppId: string;
  /** The authorising mini program's AppID. */
  authorizerAppId: string;
  /** Granted permission-set ids (权限集). Default `[18]` (needed by getpaidunionid). */
  funcIds?: number[];
  /** Where to push the event. Default: the URL set with `setComponentEventUrl`; none = no push. */
  url?: string;
  /**
   * The `pre_auth_code` the merchant authorised with (from `api_create_preauthcode`): it must be
   * valid and is used up. Default: the sandbox makes one up.
   */
  preAuthCode?: string;
}

/**
 * Result of {@link WechatSandbox.authorizeComponent} and `updateComponentAuthorization`.
 * `status` and `body` are present only when an event was pushed.
 *
 * @publicApi
 */
export interface SandboxComponentAuthorizationResult extends Partial<SandboxComponentPushAnswer> {
  /** The authorisation code (valid 10 minutes of sandbox clock, single use) for `api_query_auth`. */
  authorizationCode: string;
  /** Expiry of the code, epoch ms on the sandbox clock. */
  expiresAt: number;
}

/**
 * A mini program revoking its authorisation of a third-party platform.
 *
 * @publicApi
 */
export interface SandboxComponentUnauthorizationInput {
  componentAppId: string;
  authorizerAppId: string;
  /** Where to push the event. Default: the URL set with `setComponentEventUrl`; none = no push. */
  url?: string;
}

/**
 * Result of {@link WechatSandbox.unauthorizeComponent}; empty when no event was pushed.
 *
 * @publicApi
 */
export type SandboxComponentUnauthorizationResult = Partial<SandboxComponentPushAnswer>;

/**
 * One automatic `component_verify_ticket` push (see `setComponentEventUrl`), once it has settled.
 *
 * @publicApi
 */
export interface SandboxComponentPushOutcome {
  componentAppId: string;
  url: string;
  ticket: string;
  /** The receiver's answer; absent when the push failed. */
  status?: number;
  body?: string;
  /** Why the push failed (connection refused, timeout, sandbox stopped...). */
  error?: string;
}
