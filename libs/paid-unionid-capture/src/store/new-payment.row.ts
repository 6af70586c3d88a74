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
  // A plain object, not an entity instance: the insert binds it as it is (better-sqlite3 takes
  // plain objects only), and this runs for every payment.
  return {
    ...payment,
    deadlineMs: payment.successTimeMs + PAYMENT_WINDOW_MS,
    status: 'pending',
    unionid: null,
    attempts: 0,
    nextAttemptAtMs: payment.createdAtMs,
    leaseOwner: lease?.owner ?? null,
    leaseUntilMs: lease?.untilMs ?? null,
    lastErrcode: null,
    lastErrmsg: null,
    updatedAtMs: payment.createdAtMs,
    resolvedAtMs: null,
    eventDeliveredAtMs: null,
    eventAttempts: 0,
    eventNextAtMs: null,
  } satisfies Payment;
}
