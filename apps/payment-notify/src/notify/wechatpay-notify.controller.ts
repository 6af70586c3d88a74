import { WechatPayNotificationService } from '@app/wechatpay-notify';
import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { PaymentIntakeService } from './payment-intake.service';

/** WeChat Pay calls this with every payment notification. */
@Controller('wechatpay')
export class WechatPayNotifyController {
  constructor(
    private readonly notifications: WechatPayNotificationService,
    private readonly intake: PaymentIntakeService,
  ) {}

  /** The body arrives as the exact bytes sent (see `configureHttp`): the signature covers them. */
  @Post('notify')
  @HttpCode(HttpStatus.NO_CONTENT)
  async notify(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
  ): Promise<void> {
    const notification = this.notifications.verifyAndDecrypt(
      headers,
      // No body at all (no content type) is an empty body: rejected like any unsigned one.
      Buffer.isBuffer(body) ? body : Buffer.alloc(0),
    );
    await this.intake.accept(notification);
  }
}
