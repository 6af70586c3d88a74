import type { WechatPayNotification } from '@app/wechatpay-notify';
import { Injectable, Logger } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../config';
import { LookupScheduler } from '../lookups/lookup.scheduler';
import { PaymentMetrics } from '../metrics';
import { PaymentsRepository } from '../payments';
import { isPaidTransaction, paymentFromNotification } from './payment-from-notification';

/**
 * Verified notification -> stored payment -> lookup scheduled. Resolves once the row is
 * committed; never waits on WeChat.
 */
@Injectable()
export class PaymentIntakeService {
  private readonly logger = new Logger(PaymentIntakeService.name);

  constructor(
    @InjectAppConfig() private readonly config: AppConfig,
    private readonly payments: PaymentsRepository,
    private readonly lookups: LookupScheduler,
    private readonly metrics: PaymentMetrics,
  ) {}

  async accept(notification: WechatPayNotification): Promise<void> {
    if (notification.transaction === null || !isPaidTransaction(notification)) {
      this.logger.log(
        `Acknowledged notification ${notification.id} (${notification.eventType}) without a lookup`,
      );
      this.metrics.notification(
        'ignored',
        notification.transaction !== null && notification.eventType === 'TRANSACTION.SUCCESS'
          ? 'not-success'
          : 'other-event',
      );
      return;
    }
    const payment = paymentFromNotification(notification, Date.now());
    const ourAppId = this.config.wechat.appId;
    if (ourAppId !== undefined && payment.appId !== ourAppId) {
      // Another mini program of the same merchant: our token cannot look its payer up.
      this.logger.warn(
        `Acknowledged notification ${notification.id} for another mini program (${payment.appId}) without a lookup`,
      );
      this.metrics.notification('ignored', 'other-app');
      return;
    }
    if (await this.payments.insertIfAbsent(payment)) {
      this.metrics.notification('accepted');
      this.lookups.scheduleNow(payment.transactionId);
    } else {
      this.metrics.notification('duplicate');
    }
  }
}
