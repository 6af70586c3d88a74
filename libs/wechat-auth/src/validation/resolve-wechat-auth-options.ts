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
} from '../interfaces/wechat-auth-module-options.interface';
import { CLOUD_WECHAT_API_BASE_URL, DEFAULT_WECHAT_API_BASE_URL } from '../wechat-auth.constants';
import { insecureApiBaseUrlMessage } from '../wechat-auth.messages';
import { isRemotePlainHttpUrl } from './remote-plain-http-url';
import { WechatAuthOptionsSchema } from './wechat-auth-options.schema';

const pickApp = (app: WechatAppOptions): WechatAppOptions => ({
  appId: app.appId,
  secret: app.secret,
  tokenMode: app.tokenMode,
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
  const plain = {
    ...pickApp(options),
    apps: options.apps?.map(pickApp),
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    tokenRefreshMarginSeconds: options.tokenRefreshMarginSeconds,
  };
  const usesApps = options.apps !== undefined;
  const usesShorthand = options.appId !== undefined || options.secret !== undefined;
  const problems: string[] = [];
  if (usesApps && usesShorthand) {
    problems.push('use either `apps` or the single-app `appId`/`secret`, not both');
  }
  // With `apps`, the top-level app fields are not an app of their own.
  const schema = plainToInstance(
    WechatAuthOptionsSchema,
    usesApps ? { ...plain, appId: undefined, secret: undefined, tokenMode: 'cloud' } : plain,
  );
  problems.push(...describe(validateSync(schema, { forbidUnknownValues: false })));

  const appOptions = usesApps ? (options.apps ?? []) : [options];
  appOptions.forEach((app, index) => {
    const where = usesApps ? `apps[${index}].` : '';
    if (app.tokenMode === 'external' && !app.externalToken && !options.accessTokenProvider) {
      problems.push(`${where}externalToken is required when tokenMode is 'external'`);
    }
  });
  const apps = new Map<string, ResolvedWechatApp>();
  appOptions.forEach((app, index) => {
    const tokenMode = app.tokenMode ?? 'stable';
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
    timeoutMs: options.timeoutMs ?? 5000,
    retry: {
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 200,
      maxDelayMs: options.retry?.maxDelayMs ?? 3000,
    },
    tokenRefreshMarginMs: (options.tokenRefreshMarginSeconds ?? 300) * 1000,
    tokenStore: options.tokenStore,
    hooks: options.hooks ?? {},
  };
}
