import { PAYMENT_WINDOW_MS } from '../paid-unionid-capture.constants';
import type { Payment } from './entities';
import type { NewPayment } from './interfaces';

/** Who holds a row as it is inserted: its owner, until when (epoch ms). */
export interface InitialLease {
  readonly owner: string;
  readonly untilMs: number;
}

/**
 * The row a new payment is stored as: pending, due at once (`createdAtMs`), no attempt yet,
 * leased to `lease` or unleased. Both stores insert exactly this, and return it as read back.
 */
export function newPaymentRow(payment: NewPayment, lease: InitialLease | null = null): Payment {
  // A plain object literal with every field spelled out (no spread: one hidden class, no
  // copying), and this runs for every payment.
  return {
    transactionId: payment.transactionId,
    notificationId: payment.notificationId,
    outTradeNo: payment.outTradeNo,
    mchId: payment.mchId,
    appId: payment.appId,
    openid: payment.openid,
    amountTotal: payment.amountTotal,
    currency: payment.currency,
    successTimeMs: payment.successTimeMs,
    deadlineMs: deadlineOf(payment),
    status: 'pending',
    unionid: null,
    attempts: 0,
    nextAttemptAtMs: payment.createdAtMs,
    leaseOwner: lease?.owner ?? null,
    leaseUntilMs: lease?.untilMs ?? null,
    lastErrcode: null,
    lastErrmsg: null,
    createdAtMs: payment.createdAtMs,
    updatedAtMs: payment.createdAtMs,
    resolvedAtMs: null,
    eventDeliveredAtMs: null,
    eventAttempts: 0,
    eventNextAtMs: null,
  } satisfies Payment;
}

/** When WeChat stops answering getpaidunionid for `payment` (epoch ms). */
export function deadlineOf(payment: NewPayment): number {
  return payment.successTimeMs + PAYMENT_WINDOW_MS;
}
