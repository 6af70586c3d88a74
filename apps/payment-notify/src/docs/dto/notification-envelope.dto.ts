import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** The encrypted part of a WeChat Pay notification (AEAD_AES_256_GCM with the APIv3 key). */
@ApiSchema({ name: 'NotificationResource' })
export class NotificationResourceDto {
  @ApiProperty({ example: 'AEAD_AES_256_GCM' })
  algorithm: string;

  @ApiProperty({ description: 'Base64 of the encrypted transaction and its GCM tag' })
  ciphertext: string;

  @ApiPropertyOptional({ example: 'transaction' })
  associated_data?: string;

  @ApiProperty({ example: 'transaction' })
  original_type: string;

  @ApiProperty({ example: 'fdasflkja484w' })
  nonce: string;
}

/**
 * A WeChat Pay API v3 notification as WeChat sends it. The route reads the raw bytes: the
 * signature in the `Wechatpay-*` headers covers them exactly.
 */
@ApiSchema({ name: 'WechatPayNotification' })
export class NotificationEnvelopeDto {
  @ApiProperty({ example: 'EV-2018022511223320873' })
  id: string;

  @ApiProperty({ example: '2015-05-20T13:29:35+08:00' })
  create_time: string;

  @ApiProperty({ example: 'TRANSACTION.SUCCESS' })
  event_type: string;

  @ApiProperty({ example: 'encrypt-resource' })
  resource_type: string;

  @ApiProperty({ type: () => NotificationResourceDto })
  resource: NotificationResourceDto;

  @ApiPropertyOptional({ example: '支付成功' })
  summary?: string;
}
