import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsRFC3339,
  IsString,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { WechatPayTradeState } from '../interfaces';
import { WECHATPAY_TRADE_STATES } from '../wechatpay-notify.constants';
import { WechatPayTransactionAmountDto } from './wechatpay-transaction-amount.dto';
import {
  WechatPayDirectPayerDto,
  WechatPayPartnerPayerDto,
} from './wechatpay-transaction-payer.dto';

// Payment details are always present once paid; other states may omit them.
const paidOrPresent =
  (field: 'trade_type' | 'bank_type' | 'success_time' | 'amount') =>
  (transaction: WechatPayTransactionBaseDto): boolean =>
    transaction.trade_state === 'SUCCESS' || transaction[field] !== undefined;

/** Fields shared by direct and partner transactions. Unknown extra fields are allowed. */
export abstract class WechatPayTransactionBaseDto {
  @IsString()
  @IsNotEmpty()
  out_trade_no: string;

  @IsString()
  @IsNotEmpty()
  transaction_id: string;

  @IsIn(WECHATPAY_TRADE_STATES)
  trade_state: WechatPayTradeState;

  @IsOptional()
  @IsString()
  trade_state_desc?: string;

  @ValidateIf(paidOrPresent('trade_type'))
  @IsString()
  @IsNotEmpty()
  trade_type?: string;

  @ValidateIf(paidOrPresent('bank_type'))
  @IsString()
  @IsNotEmpty()
  bank_type?: string;

  @IsOptional()
  @IsString()
  attach?: string;

  @ValidateIf(paidOrPresent('success_time'))
  @IsRFC3339()
  success_time?: string;

  @ValidateIf(paidOrPresent('amount'))
  @IsObject()
  @ValidateNested()
  @Type(() => WechatPayTransactionAmountDto)
  amount?: WechatPayTransactionAmountDto;

  @IsOptional()
  @IsObject()
  scene_info?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  promotion_detail?: unknown[];
}

/** A direct-merchant transaction (`appid`/`mchid`/`payer.openid`). */
export class WechatPayDirectTransactionDto extends WechatPayTransactionBaseDto {
  @IsString()
  @IsNotEmpty()
  appid: string;

  @IsString()
  @IsNotEmpty()
  mchid: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WechatPayDirectPayerDto)
  payer: WechatPayDirectPayerDto;
}

/** A partner-mode (服务商) transaction (`sp_*`/`sub_*`/`payer.sp_openid`). */
export class WechatPayPartnerTransactionDto extends WechatPayTransactionBaseDto {
  @IsString()
  @IsNotEmpty()
  sp_appid: string;

  @IsString()
  @IsNotEmpty()
  sp_mchid: string;

  @IsOptional()
  @IsString()
  sub_appid?: string;

  @IsString()
  @IsNotEmpty()
  sub_mchid: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WechatPayPartnerPayerDto)
  payer: WechatPayPartnerPayerDto;
}
