import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import type { WechatPayTransactionAmount } from '../interfaces';

/** `amount` of a transaction, in fen. */
export class WechatPayTransactionAmountDto implements WechatPayTransactionAmount {
  @IsInt()
  @Min(0)
  total: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  payer_total?: number;

  @IsOptional()
  @IsString()
  currency?: string;

  @IsOptional()
  @IsString()
  payer_currency?: string;
}
