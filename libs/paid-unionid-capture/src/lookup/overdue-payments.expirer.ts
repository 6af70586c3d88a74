import { Inject, Injectable, Logger } from '@nestjs/common';
import { CAPTURE_SETTINGS, type CaptureSettings } from '../capture-settings';
import { PaidUnionIdStore } from '../store';

/** Fails pending, unleased rows whose 5-minute window has closed; run by every scan. */
@Injectable()
export class OverduePaymentsExpirer {
  private readonly logger = new Logger(OverduePaymentsExpirer.name);

  constructor(
    private readonly payments: PaidUnionIdStore,
    @Inject(CAPTURE_SETTINGS) private readonly settings: CaptureSettings,
  ) {}

  async expire(now: number): Promise<void> {
    const expired = await this.payments.expireOverdue(now);
    if (expired > 0) {
      this.logger.warn(`${expired} payment(s) passed their 5-minute window without a unionid`);
      this.settings.hooks.onWindowMissed?.('scan', expired);
    }
  }
}
