import { Inject, Injectable } from '@nestjs/common';
import { CAPTURE_SETTINGS, type CaptureSettings } from './capture-settings';
import type {
  CaptureOutcome,
  PaidUnionIdCaptureInput,
  PaidUnionIdCaptureStatus,
} from './interfaces';
import { LookupDispatcher } from './lookup/lookup.dispatcher';
import { newPaymentOf } from './notify/capture-input.mapper';
import { partiesOf, PaidUnionIdStore, type Payment } from './store';

/**
 * The capture: a paid transaction in, a stored unionid out (inside WeChat's 5-minute window,
 * across crashes and instances), and what is known so far.
 *
 * @publicApi
 */
@Injectable()
export class PaidUnionIdCapture {
  constructor(
    private readonly store: PaidUnionIdStore,
    private readonly dispatcher: LookupDispatcher,
    @Inject(CAPTURE_SETTINGS) private readonly settings: CaptureSettings,
  ) {}

  /**
   * Stores the payment durably and starts its lookup; resolves once the row is committed (it
   * never waits on WeChat). Idempotent by `transactionId` (and by `notificationId`).
   *
   * @returns `stored`, `duplicate` (already captured: nothing changes), or `ignored` (a mini
   * program this module does not look up: nothing stored).
   * @throws InvalidPaymentError when a field is empty, too long, or `successTime` is no time.
   */
  async capture(input: PaidUnionIdCaptureInput): Promise<CaptureOutcome> {
    const payment = newPaymentOf(input, Date.now());
    if (this.settings.appIds && !this.settings.appIds.has(payment.appId)) {
      this.settings.hooks.onCapture?.('ignored', 'other-app');
      return 'ignored';
    }
    if (await this.dispatcher.insertAndDispatch(payment)) {
      this.settings.hooks.onCapture?.('stored');
      return 'stored';
    }
    this.settings.hooks.onCapture?.('duplicate');
    return 'duplicate';
  }

  /** @returns the payment's state, or `null` when it was never captured. */
  async status(transactionId: string): Promise<PaidUnionIdCaptureStatus | null> {
    const payment = await this.store.findByTransactionId(transactionId);
    return payment && statusOf(payment);
  }

  /** @returns the unionid known for `openid` (from any captured payment), or `null`. */
  unionidOf(openid: string): Promise<string | null> {
    return this.store.findUnionId(openid);
  }

  /** Whether `appId`'s payments are captured (see the `appIds` option). */
  captures(appId: string): boolean {
    return !this.settings.appIds || this.settings.appIds.has(appId);
  }
}

function statusOf(payment: Payment): PaidUnionIdCaptureStatus {
  return {
    ...partiesOf(payment),
    status: payment.status,
    unionid: payment.unionid,
    // A pending payment's last error is progress, not an outcome.
    error:
      payment.status === 'failed'
        ? { errcode: payment.lastErrcode, errmsg: payment.lastErrmsg ?? '' }
        : null,
  };
}
