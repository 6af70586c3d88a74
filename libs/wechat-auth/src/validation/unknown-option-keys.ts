import type { WechatAuthHooks } from '../interfaces/wechat-auth-hooks.interface';
import type {
  WechatAppOptions,
  WechatComponentOptions,
  WechatAuthModuleExtras,
  WechatAuthModuleOptions,
  WechatRetryOptions,
  WechatTokenFetchBackoffOptions,
} from '../interfaces/wechat-auth-module-options.interface';
import {
  misplacedExtraMessage,
  moduleLevelOptionMessage,
  unknownOptionMessage,
} from '../wechat-auth.messages';

// Records keyed by the interfaces: adding an option without listing it here fails to compile.
const APP_KEYS: Record<keyof WechatAppOptions, true> = {
  appId: true,
  secret: true,
  tokenMode: true,
  apiBaseUrl: true,
  externalToken: true,
};
const MODULE_KEYS: Record<keyof WechatAuthModuleOptions, true> = {
  ...APP_KEYS,
  apps: true,
  timeoutMs: true,
  retry: true,
  tokenRefreshMarginSeconds: true,
  tokenFetchBackoff: true,
  tokenStore: true,
  accessTokenProvider: true,
  hooks: true,
  component: true,
};
const EXTRA_KEYS: Record<keyof WechatAuthModuleExtras, true> = {
  isGlobal: true,
  imports: true,
  componentEventsPath: true,
};
const COMPONENT_KEYS: Record<keyof WechatComponentOptions, true> = {
  componentAppId: true,
  componentSecret: true,
  token: true,
  encodingAesKey: true,
  previousEncodingAesKey: true,
  store: true,
};
const RETRY_KEYS: Record<keyof WechatRetryOptions, true> = {
  maxAttempts: true,
  baseDelayMs: true,
  maxDelayMs: true,
};
const BACKOFF_KEYS: Record<keyof WechatTokenFetchBackoffOptions, true> = {
  baseDelayMs: true,
  maxDelayMs: true,
};
const HOOK_KEYS: Record<keyof WechatAuthHooks, true> = { onTokenFetch: true, onApiAttempt: true };

/**
 * Names every key of `options` (and of `apps[i]`, `retry`, `tokenFetchBackoff`, and `hooks` when
 * it is a plain object) that is not an option, so a misspelt key (`apiBaseURL`) stops bootstrap
 * instead of being ignored. Never quotes a value.
 */
export function unknownOptionKeys(options: WechatAuthModuleOptions): string[] {
  const problems = unknownKeys(options, MODULE_KEYS, '', (key) =>
    Object.hasOwn(EXTRA_KEYS, key) ? misplacedExtraMessage(key) : undefined,
  );
  if (Array.isArray(options.apps)) {
    options.apps.forEach((app: unknown, index) => {
      problems.push(
        ...unknownKeys(app, APP_KEYS, `apps[${index}].`, (key) =>
          Object.hasOwn(MODULE_KEYS, key)
            ? moduleLevelOptionMessage(`apps[${index}].${key}`)
            : undefined,
        ),
      );
    });
  }
  problems.push(...unknownKeys(options.retry, RETRY_KEYS, 'retry.'));
  problems.push(...unknownKeys(options.component, COMPONENT_KEYS, 'component.'));
  problems.push(...unknownKeys(options.tokenFetchBackoff, BACKOFF_KEYS, 'tokenFetchBackoff.'));
  // Hooks may be a class instance with state of its own: only a plain object is checked.
  if (isPlainObject(options.hooks)) {
    problems.push(...unknownKeys(options.hooks, HOOK_KEYS, 'hooks.'));
  }
  return problems;
}

function unknownKeys(
  value: unknown,
  known: Record<string, true>,
  prefix: string,
  special: (key: string) => string | undefined = () => undefined,
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [];
  }
  return Object.keys(value)
    .filter((key) => !Object.hasOwn(known, key))
    .map(
      (key) =>
        special(key) ??
        unknownOptionMessage(
          `${prefix}${key}`,
          Object.keys(known).find((name) => name.toLowerCase() === key.toLowerCase()),
        ),
    );
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
