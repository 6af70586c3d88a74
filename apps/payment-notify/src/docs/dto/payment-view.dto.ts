import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { PaymentView } from '../../read/payment.view';

/** `error` of a failed payment. */
@ApiSchema({ name: 'PaymentError' })
export class PaymentErrorDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Last WeChat errcode seen; null when none (e.g. only network errors)',
    example: 40003,
  })
  errcode: number | null;

  @ApiProperty({ example: 'invalid openid' })
  errmsg: string;
}

/** `GET /payments/:transactionId` answer, as fixed by the contract. */
@ApiSchema({ name: 'PaymentView' })
export class PaymentViewDto implements PaymentView {
  @ApiProperty({ example: '4200000000202401010000000001' })
  transactionId: string;

  @ApiProperty({ example: 'order-20240101-0001' })
  outTradeNo: string;

  @ApiProperty({ example: '1900000109' })
  mchId: string;

  @ApiProperty({ example: 'wx0123456789abcdef' })
  appId: string;

  @ApiProperty({ example: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })
  openid: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Known once the lookup resolved',
    example: 'oTmHYjg8bHbXbd5V1G8gYh7f4g9E',
  })
  unionid: string | null;

  @ApiProperty({ enum: ['pending', 'resolved', 'failed'] })
  status: 'pending' | 'resolved' | 'failed';

  @ApiProperty({
    type: () => PaymentErrorDto,
    nullable: true,
    description: 'Set when status is failed, else null',
  })
  error: PaymentErrorDto | null;
}
