import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { WechatTokenMode } from '../interfaces/wechat-auth-module-options.interface';

/** Modes an app may be configured with; `component` apps are the platform's authorisers, by appId. */
const TOKEN_MODES: WechatTokenMode[] = ['stable', 'classic', 'cloud', 'external'];
const APP_ID = /^wx[0-9a-zA-Z]{16}$/;
const needsSecret = (o: WechatAppSchema): boolean =>
  o.tokenMode === undefined || o.tokenMode === 'stable' || o.tokenMode === 'classic';
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Validation shape of one app. Messages never quote the value: secrets may be among them. */
export class WechatAppSchema {
  @IsOptional()
  @IsIn(TOKEN_MODES, { message: `must be one of ${TOKEN_MODES.join(', ')}` })
  tokenMode?: WechatTokenMode;

  @ValidateIf((o: WechatAppSchema) => o.tokenMode !== 'cloud' || o.appId !== undefined)
  @IsString({ message: 'is required (a mini program appid such as wx0123456789abcdef)' })
  @Matches(APP_ID, { message: 'must look like wx0123456789abcdef' })
  appId?: string;

  @ValidateIf(needsSecret)
  @IsString({ message: "is required when tokenMode is 'stable' or 'classic'" })
  @IsNotEmpty({ message: "is required when tokenMode is 'stable' or 'classic'" })
  secret?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'must be an http(s) URL' })
  apiBaseUrl?: string;
}

export class WechatRetrySchema {
  @IsOptional()
  @IsInt({ message: 'must be an integer >= 1' })
  @Min(1, { message: 'must be an integer >= 1' })
  maxAttempts?: number;

  @IsOptional()
  @IsInt({ message: 'must be an integer >= 0' })
  @Min(0, { message: 'must be an integer >= 0' })
  baseDelayMs?: number;

  @IsOptional()
  @IsInt({ message: 'must be an integer >= 0' })
  @Min(0, { message: 'must be an integer >= 0' })
  maxDelayMs?: number;
}

export class WechatTokenFetchBackoffSchema {
  @IsOptional()
  @IsInt({ message: 'must be an integer >= 0' })
  @Min(0, { message: 'must be an integer >= 0' })
  baseDelayMs?: number;

  @IsOptional()
  @IsInt({ message: 'must be an integer >= 0' })
  @Min(0, { message: 'must be an integer >= 0' })
  maxDelayMs?: number;
}

/** Validation shape of a third-party platform. Never quotes a value. */
export class WechatComponentSchema {
  @IsString({ message: 'is required (the third-party platform appid)' })
  @Matches(APP_ID, { message: 'must look like wx0123456789abcdef' })
  componentAppId!: string;

  @IsString({ message: 'is required (the platform AppSecret)' })
  @IsNotEmpty({ message: 'is required (the platform AppSecret)' })
  componentSecret!: string;

  // The console accepts 3-32 letters and digits as the message token.
  @IsString({ message: 'is required (the message token of the authorisation-event URL)' })
  @Matches(/^[A-Za-z0-9]{3,32}$/, { message: 'must be 3-32 letters or digits' })
  token!: string;

  @IsString({ message: 'is required (43 letters or digits)' })
  @Matches(/^[A-Za-z0-9]{43}$/, { message: 'must be 43 letters or digits' })
  encodingAesKey!: string;

  @IsOptional()
  @IsString({ message: 'must be 43 letters or digits' })
  @Matches(/^[A-Za-z0-9]{43}$/, { message: 'must be 43 letters or digits' })
  previousEncodingAesKey?: string;
}

/** Validation shape of the module options (the non-function, non-instance fields). */
export class WechatAuthOptionsSchema extends WechatAppSchema {
  @IsOptional()
  @IsArray({ message: 'must be an array of apps' })
  @ArrayNotEmpty({ message: 'must hold at least one app' })
  @ValidateNested({ each: true })
  @Type(() => WechatAppSchema)
  apps?: WechatAppSchema[];

  @IsOptional()
  @IsInt({ message: 'must be a positive integer (milliseconds)' })
  @Min(1, { message: 'must be a positive integer (milliseconds)' })
  timeoutMs?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => WechatRetrySchema)
  retry?: WechatRetrySchema;

  @IsOptional()
  @IsInt({ message: 'must be an integer >= 0 (seconds)' })
  @Min(0, { message: 'must be an integer >= 0 (seconds)' })
  tokenRefreshMarginSeconds?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => WechatTokenFetchBackoffSchema)
  tokenFetchBackoff?: WechatTokenFetchBackoffSchema;

  @IsOptional()
  @IsObject({
    message: 'must be an object (componentAppId, componentSecret, token, encodingAesKey)',
  })
  @ValidateNested()
  @Type(() => WechatComponentSchema)
  component?: WechatComponentSchema;
}
