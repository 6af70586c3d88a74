import { Injectable, Logger } from '@nestjs/common';
import { PaymentMetrics } from '../metrics';
import { PaymentsRepository } from '../payments';

/** Fails pending, unleased rows whose 5-minute window has closed; run by every scan. */
@Injectable()
export class OverduePaymentsExpirer {
  private readonly logger = new Logger(OverduePaymentsExpirer.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly metrics: PaymentMetrics,
  ) {}

  async expire(now: number): Promise<void> {
    const expired = await this.payments.expireOverdue(now);
    if (expired > 0) {
      this.logger.warn(`${expired} payment(s) passed their 5-minute window without a unionid`);
      this.metrics.paymentsMissedWindow('scan', expired);
    }
  }
}
