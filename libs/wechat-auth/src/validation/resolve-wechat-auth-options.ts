import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
} from '../interfaces/resolved-options.interface';
import type {
  WechatAppOptions,
  WechatAuthModuleOptions,
  WechatTokenMode,
} from '../interfaces/wechat-auth-module-options.interface';
import {
  CLOUD_WECHAT_API_BASE_URL,
  DEFAULT_WECHAT_API_BASE_URL,
  WECHAT_AUTH_DEFAULTS,
} from '../wechat-auth.constants';
import { insecureApiBaseUrlMessage, unusedExternalTokenMessage } from '../wechat-auth.messages';
import { isRemotePlainHttpUrl } from './remote-plain-http-url';
import { unknownOptionKeys } from './unknown-option-keys';
import { WechatAuthOptionsSchema } from './wechat-auth-options.schema';

/**
 * The app's `tokenMode`; when none is given, a token source (`externalToken`, or the module's
 * `accessTokenProvider`) means `external`, so it asks for no secret.
 */
function tokenModeOf(
  app: WechatAppOptions,
  options: WechatAuthModuleOptions,
): WechatTokenMode | undefined {
  if (app.tokenMode !== undefined) {
    return app.tokenMode;
  }
  return app.externalToken !== undefined || options.accessTokenProvider !== undefined
    ? 'external'
    : undefined;
}

const pickApp = (app: WechatAppOptions, options: WechatAuthModuleOptions): WechatAppOptions => ({
  appId: app.appId,
  secret: app.secret,
  tokenMode: tokenModeOf(app, options),
  apiBaseUrl: app.apiBaseUrl,
});

/** Flattens class-validator errors into `path: message` lines (never the offending value). */
function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const isIndex = /^\d+$/.test(error.property);
    const path = isIndex
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {})
      .slice(0, 1)
      .map((message) => `${path} ${message}`);
    return [...own, ...describe(error.children ?? [], path)];
  });
}

/**
 * Validates the options once, at bootstrap, and fills in defaults.
 *
 * @throws WechatAuthConfigError naming every bad field
 */
export function resolveWechatAuthOptions(
  options: WechatAuthModuleOptions,
): ResolvedWechatAuthOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new WechatAuthConfigError(['the options must be an object']);
  }
  const plain = {
    ...pickApp(options, options),
    apps: Array.isArray(options.apps)
      ? options.apps.map((app) => (isObject(app) ? pickApp(app, options) : app))
      : options.apps,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    tokenRefreshMarginSeconds: options.tokenRefreshMarginSeconds,
    tokenFetchBackoff: options.tokenFetchBackoff,
  };
  const usesApps = options.apps !== undefined;
  const usesShorthand = options.appId !== undefined || options.secret !== undefined;
  // Unknown keys first: a misspelt key is the likeliest cause of the other problems.
  const problems: string[] = unknownOptionKeys(options);
  if (usesApps && usesShorthand) {
    problems.push('use either `apps` or the single-app `appId`/`secret`, not both');
  }
  // With `apps`, the top-level app fields are not an app of their own.
  const schema = plainToInstance(
    WechatAuthOptionsSchema,
    usesApps ? { ...plain, appId: undefined, secret: undefined, tokenMode: 'cloud' } : plain,
  );
  problems.push(...describe(validateSync(schema, { forbidUnknownValues: false })));

  // Apps that are not objects were reported by the schema above.
  const appOptions = usesApps ? (Array.isArray(options.apps) ? options.apps : []) : [options];
  appOptions.forEach((app, index) => {
    if (!isObject(app)) {
      return;
    }
    const where = usesApps ? `apps[${index}].` : '';
    const tokenMode = tokenModeOf(app, options);
    if (tokenMode === 'external' && !app.externalToken && !options.accessTokenProvider) {
      problems.push(`${where}externalToken is required when tokenMode is 'external'`);
    }
    if (app.externalToken !== undefined && tokenMode !== 'external') {
      problems.push(unusedExternalTokenMessage(where, tokenMode ?? 'stable'));
    }
  });
  const apps = new Map<string, ResolvedWechatApp>();
  appOptions.forEach((app, index) => {
    if (!isObject(app)) {
      return;
    }
    const tokenMode = tokenModeOf(app, options) ?? 'stable';
    const resolved: ResolvedWechatApp = {
      appId: app.appId ?? '',
      secret: app.secret,
      tokenMode,
      externalToken: app.externalToken,
      apiBaseUrl: (
        app.apiBaseUrl ??
        options.apiBaseUrl ??
        (tokenMode === 'cloud' ? CLOUD_WECHAT_API_BASE_URL : DEFAULT_WECHAT_API_BASE_URL)
      ).replace(/\/+$/, ''),
    };
    // The token endpoints take the AppSecret; only Cloud Hosting's internal network may be http.
    const sendsSecret = tokenMode === 'stable' || tokenMode === 'classic';
    if (sendsSecret && isRemotePlainHttpUrl(resolved.apiBaseUrl)) {
      const field =
        usesApps && app.apiBaseUrl !== undefined ? `apps[${index}].apiBaseUrl` : 'apiBaseUrl';
      const problem = insecureApiBaseUrlMessage(field, tokenMode);
      if (!problems.includes(problem)) {
        problems.push(problem);
      }
    }
    if (apps.has(resolved.appId)) {
      problems.push(`apps holds appId ${resolved.appId || '(cloud)'} twice`);
    }
    apps.set(resolved.appId, resolved);
  });
  if (problems.length > 0) {
    throw new WechatAuthConfigError(problems);
  }
  return {
    apps,
    defaultApp: [...apps.values()][0],
    timeoutMs: options.timeoutMs ?? WECHAT_AUTH_DEFAULTS.timeoutMs,
    retry: {
      maxAttempts: options.retry?.maxAttempts ?? WECHAT_AUTH_DEFAULTS.retry.maxAttempts,
      baseDelayMs: options.retry?.baseDelayMs ?? WECHAT_AUTH_DEFAULTS.retry.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? WECHAT_AUTH_DEFAULTS.retry.maxDelayMs,
    },
    tokenRefreshMarginMs:
      (options.tokenRefreshMarginSeconds ?? WECHAT_AUTH_DEFAULTS.tokenRefreshMarginSeconds) * 1000,
    tokenFetchBackoff: {
      baseDelayMs:
        options.tokenFetchBackoff?.baseDelayMs ??
        WECHAT_AUTH_DEFAULTS.tokenFetchBackoff.baseDelayMs,
      maxDelayMs:
        options.tokenFetchBackoff?.maxDelayMs ?? WECHAT_AUTH_DEFAULTS.tokenFetchBackoff.maxDelayMs,
    },
    tokenStore: options.tokenStore,
    hooks: options.hooks ?? {},
  };
}

function isObject(value: unknown): value is WechatAppOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
