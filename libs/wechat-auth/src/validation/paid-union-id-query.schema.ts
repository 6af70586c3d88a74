import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** Validation shape of a getPaidUnionId query (camelCase, as WeChat's cloud call names them). */
export class PaidUnionIdQuerySchema {
  @IsString({ message: 'is required' })
  @IsNotEmpty({ message: 'must not be empty' })
  openid: string;

  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  transactionId?: string;

  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  mchId?: string;

  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  outTradeNo?: string;

  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  appId?: string;
}
