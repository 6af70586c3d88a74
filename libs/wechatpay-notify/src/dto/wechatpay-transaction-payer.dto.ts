import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** `payer` of a direct-merchant transaction. */
export class WechatPayDirectPayerDto {
  @IsString()
  @IsNotEmpty()
  openid: string;
}

/** `payer` of a partner-mode transaction. */
export class WechatPayPartnerPayerDto {
  @IsString()
  @IsNotEmpty()
  sp_openid: string;

  @IsOptional()
  @IsString()
  sub_openid?: string;
}
