import type { SandboxComponentConfig } from './sandbox-component.interface';

/**
 * A mini program known to the sandbox's token endpoints.
 *
 * @publicApi
 */
export interface SandboxAppConfig {
  /** The mini program's AppID, e.g. `wx1234567890abcdef`. */
  appId: string;
  /** The AppSecret the token endpoints accept for this app. */
  secret: string;
  /**
   * Whether the app is bound to a WeChat Open Platform account. Default `true`;
   * `false` makes getpaidunionid answer `89002 open not exists`.
   */
  openPlatformBound?: boolean;
}

/**
 * Options of {@link WechatSandbox.start}.
 *
 * @publicApi
 */
export interface WechatSandboxOptions {
  /** Port to listen on; default `0` (ephemeral). The sandbox always binds `127.0.0.1`. */
  port?: number;
  /** Apps known to the token endpoints. More can be added with `addApp`. */
  apps?: SandboxAppConfig[];
  /** Third-party platforms (components). More can be added with `addComponent`. */
  components?: SandboxComponentConfig[];
  /**
   * `expires_in` of issued access tokens (also `component_access_token` and
   * `authorizer_access_token`), in seconds. Default `7200`.
   */
  tokenTtlSeconds?: number;
  /**
   * WeChat Cloud Hosting mode ("开放接口服务"): a getpaidunionid call without `access_token`
   * is accepted as coming from this app. Default `false` (no token => `41001`).
   */
  cloud?: { appId: string } | false;
  /** Seeds the PRNG behind the fault rates, for deterministic runs. Default: random. */
  seed?: number;
  /** Initial sandbox clock, epoch ms. Default `Date.now()`. */
  startTime?: number;
}
