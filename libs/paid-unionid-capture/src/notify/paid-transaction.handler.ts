import {
  OnWechatPayNotification,
  type WechatPayTransactionNotification,
} from '@app/wechatpay-notify';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CAPTURE_SETTINGS, type CaptureSettings } from '../capture-settings';
import { PaidUnionIdCapture } from '../paid-unionid-capture.service';
import { captureInputOf, isPaidTransaction } from './capture-input.mapper';

/**
 * Captures every paid `TRANSACTION.SUCCESS` that `WechatPayNotifyModule`'s route verified: the
 * only glue between the two modules. A notification whose `trade_state` is not `SUCCESS` is
 * acknowledged and not stored.
 */
@Injectable()
export class PaidTransactionHandler {
  private readonly logger = new Logger(PaidTransactionHandler.name);

  constructor(
    private readonly capture: PaidUnionIdCapture,
    @Inject(CAPTURE_SETTINGS) private readonly settings: CaptureSettings,
  ) {}

  @OnWechatPayNotification('TRANSACTION.SUCCESS')
  async onTransactionSuccess(notification: WechatPayTransactionNotification): Promise<void> {
    if (!isPaidTransaction(notification)) {
      this.settings.hooks.onCapture?.('ignored', 'not-success');
      return;
    }
    const input = captureInputOf(notification);
    const outcome = await this.capture.capture(input);
    if (outcome === 'ignored') {
      this.logger.warn(
        `Acknowledged notification ${notification.id} for another mini program (${input.appId}) without a lookup`,
      );
    }
  }
}
