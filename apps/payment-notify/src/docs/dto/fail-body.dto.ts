import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Every non-2xx answer of `POST /wechatpay/notify`, in WeChat Pay's shape. */
@ApiSchema({ name: 'FailBody' })
export class FailBodyDto {
  @ApiProperty({ enum: ['FAIL'] })
  code: 'FAIL';

  @ApiProperty({ example: 'Wechatpay-Timestamp is more than 5 minutes from the server clock' })
  message: string;
}
