import { WECHAT_AUTH_DEFAULTS, type WechatAuthModuleOptions } from '@app/wechat-auth';
import type {
  PaidUnionIdCaptureHooks,
  PaidUnionIdCaptureModuleOptions,
  PaidUnionIdLookupSelector,
} from './interfaces';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PaidUnionIdCaptureConfigError } from './errors/paid-unionid-capture-config.error';
import { PaidUnionIdCaptureOptionsDto } from './options/paid-unionid-capture-options.dto';
import { LEASE_SLACK_MS, PAID_UNIONID_CAPTURE_DEFAULTS } from './paid-unionid-capture.constants';

/** @internal the module options with defaults applied, as the capture machinery reads them. */
export interface CaptureSettings {
  readonly selector: PaidUnionIdLookupSelector;
  readonly concurrency: number;
  readonly sliceMs: number;
  readonly pollMs: number;
  readonly rateLimit: number;
  /** How long a claim is held: one slice, one HTTP attempt that started in it, the writes after. */
  readonly leaseMs: number;
  /** Mini programs whose payments are captured; `undefined`: any. */
  readonly appIds: ReadonlySet<string> | undefined;
  /**
   * Which payments' lookups name their appId to WechatAuthModule: those of the apps it configures,
   * or every one on a third-party platform (its authorisers are not configured). The others use
   * its default app (e.g. Cloud Hosting configured without an appId).
   */
  readonly lookupAppIds: ReadonlySet<string> | 'all';
  readonly redis?: string;
  readonly hooks: PaidUnionIdCaptureHooks;
}

/** @internal */
export const CAPTURE_SETTINGS = 'PAID_UNIONID_CAPTURE:SETTINGS';

/** @internal */
export function resolveCaptureSettings(
  options: PaidUnionIdCaptureModuleOptions,
  wechatAuth: WechatAuthModuleOptions,
): CaptureSettings {
  validateCaptureOptions(options);
  const defaults = PAID_UNIONID_CAPTURE_DEFAULTS;
  const sliceMs = options.sliceMs ?? defaults.sliceMs;
  const configuredApps = [
    wechatAuth.appId,
    ...(wechatAuth.apps ?? []).map((app) => app.appId),
  ].filter((appId): appId is string => typeof appId === 'string' && appId !== '');
  const appIds = options.appIds ?? (configuredApps.length > 0 ? configuredApps : undefined);
  return {
    selector: options.selector ?? defaults.selector,
    concurrency: options.concurrency ?? defaults.concurrency,
    sliceMs,
    pollMs: options.pollMs ?? defaults.pollMs,
    rateLimit: options.rateLimit ?? defaults.rateLimit,
    leaseMs: sliceMs + (wechatAuth.timeoutMs ?? WECHAT_AUTH_DEFAULTS.timeoutMs) + LEASE_SLACK_MS,
    appIds: appIds && new Set(appIds),
    lookupAppIds: wechatAuth.component ? 'all' : new Set(configuredApps),
    ...(options.redis !== undefined && { redis: options.redis }),
    hooks: options.hooks ?? {},
  };
}

/** @throws PaidUnionIdCaptureConfigError naming every bad option. */
function validateCaptureOptions(options: PaidUnionIdCaptureModuleOptions): void {
  // Only the checkable values: a DataSource or the handlers are not the validator's to walk.
  const { database, redis, appIds, selector, concurrency, sliceMs, pollMs, rateLimit } = options;
  const checkable = {
    database: typeof database === 'string' || database === undefined ? database : {},
    ...{ redis, appIds, selector, concurrency, sliceMs, pollMs, rateLimit },
  };
  const errors = validateSync(plainToInstance(PaidUnionIdCaptureOptionsDto, checkable), {
    stopAtFirstError: true,
  });
  if (errors.length > 0) {
    throw new PaidUnionIdCaptureConfigError(
      errors.flatMap((error) => Object.values(error.constraints ?? {})),
    );
  }
}
