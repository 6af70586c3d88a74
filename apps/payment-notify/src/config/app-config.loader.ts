import { ENV_DEFAULTS } from './app-config.constants';
import { parseDatabaseUrl } from '@app/paid-unionid-capture';
import type { EnvironmentVariables } from './environment-variables.schema';
import { validateEnvironment } from './env.validation';
import { InvalidEnvironmentError } from './errors';
import type { AppConfig, WechatPayPublicKeyConfig } from './interfaces';
import { readPemFile } from './pem-file.reader';

/**
 * Validates `raw` (by default `process.env`) and builds the typed {@link AppConfig},
 * reading the PEM files named by the `*_FILE` variables.
 *
 * @throws {InvalidEnvironmentError} when a variable is missing or malformed, or a file is unusable.
 */
export function loadAppConfig(raw: Record<string, unknown> = process.env): AppConfig {
  return buildAppConfig(validateEnvironment(raw));
}

/**
 * Builds the typed {@link AppConfig} from already validated variables.
 * Files are read again here; one that changed since validation is reported the same way.
 */
export function buildAppConfig(env: EnvironmentVariables): AppConfig {
  const problems: string[] = [];
  const readPem = (name: string, path: string, kind: 'public-key' | 'certificates') => {
    const result = readPemFile(path, kind);
    if (result.ok) return result.pem;
    problems.push(`${name} ${result.problem}`);
    return undefined;
  };

  const publicKeys: WechatPayPublicKeyConfig[] = [];
  if (env.WECHATPAY_PUBLIC_KEY_FILE !== undefined && env.WECHATPAY_PUBLIC_KEY_ID !== undefined) {
    const pem = readPem('WECHATPAY_PUBLIC_KEY_FILE', env.WECHATPAY_PUBLIC_KEY_FILE, 'public-key');
    if (pem !== undefined) publicKeys.push({ id: env.WECHATPAY_PUBLIC_KEY_ID, pem });
  }
  const platformCertificates =
    env.WECHATPAY_PLATFORM_CERT_FILE === undefined
      ? undefined
      : readPem('WECHATPAY_PLATFORM_CERT_FILE', env.WECHATPAY_PLATFORM_CERT_FILE, 'certificates');

  const database = parseDatabaseUrl(env.DATABASE_URL);
  if (database === undefined)
    problems.push('DATABASE_URL must be sqlite:PATH or a postgres:// URL');

  if (problems.length > 0 || database === undefined) throw new InvalidEnvironmentError(problems);

  const tokenMode = env.WECHAT_TOKEN_MODE;
  const apiBaseUrl =
    env.WECHAT_API_BASE_URL ??
    (tokenMode === 'cloud'
      ? ENV_DEFAULTS.WECHAT_API_BASE_URL_CLOUD
      : ENV_DEFAULTS.WECHAT_API_BASE_URL);

  return deepFreeze<AppConfig>({
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    wechat: {
      ...(env.WECHAT_APPID !== undefined && { appId: env.WECHAT_APPID }),
      ...(env.WECHAT_SECRET !== undefined && { secret: env.WECHAT_SECRET }),
      tokenMode,
      apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
      timeoutMs: env.WECHAT_TIMEOUT_MS,
    },
    wechatPay: {
      mchId: env.WECHATPAY_MCHID,
      apiV3Key: env.WECHATPAY_APIV3_KEY,
      publicKeys,
      ...(platformCertificates !== undefined && { platformCertificates }),
    },
    database,
    ...(env.REDIS_URL !== undefined && { redisUrl: env.REDIS_URL }),
    ...(env.READ_API_TOKEN !== undefined && { readApiToken: env.READ_API_TOKEN }),
    lookup: {
      selector: env.LOOKUP_SELECTOR,
      concurrency: env.LOOKUP_CONCURRENCY,
      sliceMs: env.LOOKUP_SLICE_MS,
      pollMs: env.LOOKUP_POLL_MS,
      rateLimit: env.LOOKUP_RATE_LIMIT,
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.values(value).forEach((child) => deepFreeze(child));
    Object.freeze(value);
  }
  return value;
}
