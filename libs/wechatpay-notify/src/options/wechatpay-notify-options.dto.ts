import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsByteLength,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import type { WechatPayNotifyHooks } from '../interfaces/wechatpay-notify-hooks.interface';
import { WECHATPAY_PUBLIC_KEY_ID_PREFIX } from '../wechatpay-notify.constants';

const MUST_BE_STRING = { message: 'must be a string' };
const MUST_NOT_BE_EMPTY = { message: 'must not be empty' };
const HOOK_NAMES: ReadonlySet<string> = new Set<keyof WechatPayNotifyHooks>(['onOutcome']);

function isHooks(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(
      ([name, hook]) => HOOK_NAMES.has(name) && (hook === undefined || typeof hook === 'function'),
    )
  );
}

/** One entry of `publicKeys`. */
export class WechatPayPublicKeyOptionDto {
  @IsString(MUST_BE_STRING)
  @Matches(/^PUB_KEY_ID_\S+$/, {
    message: `must be a WeChat Pay public key id (${WECHATPAY_PUBLIC_KEY_ID_PREFIX}...)`,
  })
  id: string;

  @IsString(MUST_BE_STRING)
  @IsNotEmpty(MUST_NOT_BE_EMPTY)
  pem: string;
}

/** class-validator view of `WechatPayNotifyModuleOptions`. Messages never include a value. */
export class WechatPayNotifyOptionsDto {
  @IsString(MUST_BE_STRING)
  @Matches(/^\S+$/, { message: 'must be a non-empty merchant id without spaces' })
  mchId: string;

  @IsString(MUST_BE_STRING)
  @IsByteLength(32, 32, { message: 'must be exactly 32 bytes' })
  apiV3Key: string;

  @IsOptional()
  @IsArray({ message: 'must be an array of { id, pem }' })
  @ValidateNested({ each: true, message: 'must be an object { id, pem }' })
  @Type(() => WechatPayPublicKeyOptionDto)
  publicKeys?: WechatPayPublicKeyOptionDto[];

  @IsOptional()
  @IsString(MUST_BE_STRING)
  @IsNotEmpty(MUST_NOT_BE_EMPTY)
  platformCertificates?: string;

  @IsOptional()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1, { message: 'must be at least 1' })
  maxClockSkewSeconds?: number;

  @IsOptional()
  @IsInt({ message: 'must be an integer number of bytes' })
  @Min(1, { message: 'must be at least 1' })
  maxBodyBytes?: number;

  @IsOptional()
  @ValidateBy(
    { name: 'isFunction', validator: { validate: (value) => typeof value === 'function' } },
    { message: 'must be a function returning epoch milliseconds' },
  )
  now?: () => number;

  @IsOptional()
  @ValidateBy(
    { name: 'isWechatPayNotifyHooks', validator: { validate: isHooks } },
    { message: 'must be an object of functions ({ onOutcome })' },
  )
  hooks?: WechatPayNotifyHooks;
}
