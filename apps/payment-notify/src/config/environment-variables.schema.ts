import type { LogLevel } from '@nestjs/common';
import { Expose, Type } from 'class-transformer';
import {
  IsByteLength,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  ENV_DEFAULTS,
  LOG_FORMATS,
  LOG_LEVELS,
  LOOKUP_SELECTORS,
  MAX_LOOKUP_CONCURRENCY,
  MIN_READ_API_TOKEN_LENGTH,
  WECHAT_TOKEN_MODES,
} from './app-config.constants';
import type { LogFormat, LookupSelector, WechatTokenMode } from './interfaces';
import { IsDatabaseUrl, IsPemFile, IsUrlWithScheme, IsSecureApiBaseUrl } from './validators';

// Each variable has at most one format message (several decorators may share it), because
// with `stopAtFirstError` class-validator reports whichever decorator it happens to run first.
const PORT_RANGE = { message: '$property must be an integer from 0 to 65535' };
const CONCURRENCY_RANGE = {
  message: `$property must be an integer from 1 to ${MAX_LOOKUP_CONCURRENCY}`,
};
const MILLISECONDS = { message: '$property must be a positive integer (milliseconds)' };
const NO_WHITESPACE = /^\S+$/;

const usesPublicKey = (env: EnvironmentVariables): boolean =>
  env.WECHATPAY_PUBLIC_KEY_FILE !== undefined || env.WECHATPAY_PUBLIC_KEY_ID !== undefined;

/**
 * The environment the app reads, as validated by class-validator. Messages never contain
 * `$value`, so no secret (AppSecret, APIv3 key, a URL's password) can reach an error.
 * Defaults sit in the initialisers; `WECHAT_API_BASE_URL` has none because it depends on the mode.
 */
export class EnvironmentVariables {
  @Expose()
  @Type(() => Number)
  @IsInt(PORT_RANGE)
  @Min(0, PORT_RANGE)
  @Max(65535, PORT_RANGE)
  PORT: number = ENV_DEFAULTS.PORT;

  @Expose()
  @IsIn(WECHAT_TOKEN_MODES, {
    message: `$property must be one of ${WECHAT_TOKEN_MODES.join(', ')}`,
  })
  WECHAT_TOKEN_MODE: WechatTokenMode = ENV_DEFAULTS.WECHAT_TOKEN_MODE;

  @Expose()
  @ValidateIf(
    (env: EnvironmentVariables) => env.WECHAT_TOKEN_MODE !== 'cloud' || isSet(env.WECHAT_APPID),
  )
  @IsDefined({ message: '$property is required unless WECHAT_TOKEN_MODE=cloud' })
  @Matches(NO_WHITESPACE, { message: '$property must be an appid without spaces' })
  WECHAT_APPID?: string;

  @Expose()
  @ValidateIf(
    (env: EnvironmentVariables) => env.WECHAT_TOKEN_MODE !== 'cloud' || isSet(env.WECHAT_SECRET),
  )
  @IsDefined({ message: '$property is required when WECHAT_TOKEN_MODE is stable or classic' })
  @Matches(NO_WHITESPACE, { message: '$property must not contain spaces' })
  WECHAT_SECRET?: string;

  @Expose()
  @IsOptional()
  @IsUrlWithScheme(['http', 'https'])
  @IsSecureApiBaseUrl()
  WECHAT_API_BASE_URL?: string;

  @Expose()
  @IsDefined({ message: '$property is required' })
  @Matches(/^[0-9A-Za-z_-]{1,32}$/, {
    message: '$property must be a merchant id (up to 32 letters or digits)',
  })
  WECHATPAY_MCHID!: string;

  @Expose()
  @IsDefined({ message: '$property is required' })
  @IsByteLength(32, 32, { message: '$property must be exactly 32 bytes' })
  WECHATPAY_APIV3_KEY!: string;

  @Expose()
  @ValidateIf(usesPublicKey)
  @IsDefined({ message: '$property is required when WECHATPAY_PUBLIC_KEY_ID is set' })
  @IsPemFile('public-key')
  WECHATPAY_PUBLIC_KEY_FILE?: string;

  @Expose()
  @ValidateIf(usesPublicKey)
  @IsDefined({ message: '$property is required when WECHATPAY_PUBLIC_KEY_FILE is set' })
  @Matches(/^PUB_KEY_ID_[0-9A-Za-z_]+$/, { message: '$property must look like PUB_KEY_ID_...' })
  WECHATPAY_PUBLIC_KEY_ID?: string;

  @Expose()
  @ValidateIf(
    (env: EnvironmentVariables) => isSet(env.WECHATPAY_PLATFORM_CERT_FILE) || !usesPublicKey(env),
  )
  @IsDefined({
    message:
      'WECHATPAY_PUBLIC_KEY_FILE + WECHATPAY_PUBLIC_KEY_ID or $property is required (a verifier mode)',
  })
  @IsPemFile('certificates')
  WECHATPAY_PLATFORM_CERT_FILE?: string;

  @Expose()
  @IsDatabaseUrl()
  DATABASE_URL: string = ENV_DEFAULTS.DATABASE_URL;

  @Expose()
  @IsOptional()
  @IsUrlWithScheme(['redis', 'rediss'])
  REDIS_URL?: string;

  @Expose()
  @IsOptional()
  @Matches(new RegExp(`^\\S{${MIN_READ_API_TOKEN_LENGTH},}$`), {
    message: `$property must be at least ${MIN_READ_API_TOKEN_LENGTH} characters without spaces`,
  })
  READ_API_TOKEN?: string;

  @Expose()
  @IsIn(LOOKUP_SELECTORS, { message: `$property must be one of ${LOOKUP_SELECTORS.join(', ')}` })
  LOOKUP_SELECTOR: LookupSelector = ENV_DEFAULTS.LOOKUP_SELECTOR;

  @Expose()
  @Type(() => Number)
  @IsInt(CONCURRENCY_RANGE)
  @Min(1, CONCURRENCY_RANGE)
  @Max(MAX_LOOKUP_CONCURRENCY, CONCURRENCY_RANGE)
  LOOKUP_CONCURRENCY: number = ENV_DEFAULTS.LOOKUP_CONCURRENCY;

  @Expose()
  @Type(() => Number)
  @IsInt(MILLISECONDS)
  @Min(1, MILLISECONDS)
  LOOKUP_SLICE_MS: number = ENV_DEFAULTS.LOOKUP_SLICE_MS;

  @Expose()
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer >= 0 (0: no limit)' })
  @Min(0, { message: '$property must be an integer >= 0 (0: no limit)' })
  LOOKUP_RATE_LIMIT: number = ENV_DEFAULTS.LOOKUP_RATE_LIMIT;

  @Expose()
  @Type(() => Number)
  @IsInt(MILLISECONDS)
  @Min(1, MILLISECONDS)
  LOOKUP_POLL_MS: number = ENV_DEFAULTS.LOOKUP_POLL_MS;

  @Expose()
  @Type(() => Number)
  @IsInt(MILLISECONDS)
  @Min(1, MILLISECONDS)
  WECHAT_TIMEOUT_MS: number = ENV_DEFAULTS.WECHAT_TIMEOUT_MS;

  @Expose()
  @IsIn(LOG_LEVELS, { message: `$property must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = ENV_DEFAULTS.LOG_LEVEL;

  @Expose()
  @IsIn(LOG_FORMATS, { message: `$property must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT: LogFormat = ENV_DEFAULTS.LOG_FORMAT;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined;
}
