import { WechatPayNotificationService } from '@app/wechatpay-notify';
import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiInternalServerErrorResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { FailBodyDto, NotificationEnvelopeDto } from '../docs';
import { PaymentIntakeService } from './payment-intake.service';

/** WeChat Pay calls this with every payment notification. */
@ApiTags('wechatpay')
@Controller('wechatpay')
export class WechatPayNotifyController {
  constructor(
    private readonly notifications: WechatPayNotificationService,
    private readonly intake: PaymentIntakeService,
  ) {}

  /** The body arrives as the exact bytes sent (see `configureHttp`): the signature covers them. */
  @Post('notify')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'WeChat Pay API v3 notification',
    description:
      'Verified, decrypted and stored before the answer; never waits on WeChat. A repeat of a ' +
      'stored payment, another event type or a trade state other than SUCCESS is acknowledged ' +
      'too (204) and changes nothing.',
  })
  @ApiConsumes('application/json')
  @ApiBody({ type: NotificationEnvelopeDto })
  // Decorators apply bottom-up: the document lists Timestamp, Nonce, Signature, Serial.
  @ApiHeader({
    name: 'Wechatpay-Serial',
    required: true,
    description: 'WeChat Pay public key id (PUB_KEY_ID_...) or platform certificate serial',
  })
  @ApiHeader({
    name: 'Wechatpay-Signature',
    required: true,
    description: 'Base64 SHA256-RSA over timestamp, nonce and the body, each followed by a newline',
  })
  @ApiHeader({ name: 'Wechatpay-Nonce', required: true })
  @ApiHeader({
    name: 'Wechatpay-Timestamp',
    required: true,
    description: 'Unix seconds; rejected when more than 5 minutes from the server clock',
  })
  @ApiNoContentResponse({ description: 'Accepted (stored, or already stored, or not a payment)' })
  @ApiBadRequestResponse({
    type: FailBodyDto,
    description: 'Missing header, malformed body, decryption failed, wrong mchid',
  })
  @ApiUnauthorizedResponse({
    type: FailBodyDto,
    description: 'Bad signature, unknown serial, timestamp outside 5 minutes',
  })
  @ApiPayloadTooLargeResponse({ type: FailBodyDto, description: 'Body over 1 MiB' })
  @ApiInternalServerErrorResponse({
    type: FailBodyDto,
    description: 'Could not be stored; WeChat delivers it again',
  })
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
