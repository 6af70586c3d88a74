import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
  ResolvedWechatComponent,
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
import {
  componentAppIdClashMessage,
  componentStoreMessage,
  insecureApiBaseUrlMessage,
  unusedExternalTokenMessage,
} from '../wechat-auth.messages';
import { InMemoryWechatComponentStore } from '../component/store/in-memory-wechat-component.store';
import type { WechatComponentStore } from '../component/store/wechat-component.store';
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
    // The store is an instance: checked below, not walked by the validator.
    component: isObject(options.component)
      ? { ...options.component, store: undefined }
      : options.component,
  };
  const usesApps = options.apps !== undefined;
  const usesShorthand = options.appId !== undefined || options.secret !== undefined;
  // A platform alone configures no app of its own: every call names its authoriser.
  const platformOnly =
    options.component !== undefined &&
    !usesApps &&
    !usesShorthand &&
    options.tokenMode === undefined &&
    options.externalToken === undefined;
  // Unknown keys first: a misspelt key is the likeliest cause of the other problems.
  const problems: string[] = unknownOptionKeys(options);
  if (usesApps && usesShorthand) {
    problems.push('use either `apps` or the single-app `appId`/`secret`, not both');
  }
  // With `apps`, the top-level app fields are not an app of their own.
  const schema = plainToInstance(
    WechatAuthOptionsSchema,
    usesApps || platformOnly
      ? { ...plain, appId: undefined, secret: undefined, tokenMode: 'cloud' }
      : plain,
  );
  problems.push(...describe(validateSync(schema, { forbidUnknownValues: false })));

  // Apps that are not objects were reported by the schema above.
  const appOptions = usesApps
    ? Array.isArray(options.apps)
      ? options.apps
      : []
    : platformOnly
      ? []
      : [options];
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
  const component = resolveComponent(options, apps, problems);
  if (problems.length > 0) {
    throw new WechatAuthConfigError(problems);
  }
  return {
    apps,
    defaultApp: [...apps.values()][0],
    ...(component && { component }),
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

/** The platform after the schema checked its fields; `undefined` without one. */
function resolveComponent(
  options: WechatAuthModuleOptions,
  apps: ReadonlyMap<string, ResolvedWechatApp>,
  problems: string[],
): ResolvedWechatComponent | undefined {
  const component = options.component;
  if (typeof component !== 'object' || component === null || Array.isArray(component)) {
    return undefined;
  }
  const store = component.store;
  if (store !== undefined && !isComponentStore(store)) {
    problems.push(componentStoreMessage);
  }
  if (apps.has(component.componentAppId)) {
    problems.push(componentAppIdClashMessage);
  }
  const apiBaseUrl = (options.apiBaseUrl ?? DEFAULT_WECHAT_API_BASE_URL).replace(/\/+$/, '');
  if (isRemotePlainHttpUrl(apiBaseUrl)) {
    problems.push(insecureApiBaseUrlMessage('apiBaseUrl', 'component'));
  }
  return {
    componentAppId: component.componentAppId,
    componentSecret: component.componentSecret,
    token: component.token,
    encodingAesKey: component.encodingAesKey,
    ...(component.previousEncodingAesKey !== undefined && {
      previousEncodingAesKey: component.previousEncodingAesKey,
    }),
    store: store ?? new InMemoryWechatComponentStore(),
    storeIsDefault: store === undefined,
    apiBaseUrl,
  };
}

const COMPONENT_STORE_METHODS = ['getTicket', 'saveTicket', 'getAuthorizer', 'saveAuthorizer'];

function isComponentStore(value: unknown): value is WechatComponentStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    COMPONENT_STORE_METHODS.every(
      (method) => typeof (value as Record<string, unknown>)[method] === 'function',
    )
  );
}

function isObject(value: unknown): value is WechatAppOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
