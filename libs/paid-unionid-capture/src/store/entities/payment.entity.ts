import type { CapturedPaymentParties } from '../../interfaces/paid-unionid-events.interface';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { PaymentStatus } from '../interfaces';
import { PAYMENTS_TABLE } from '../store.constants';
import { bigintNumberTransformer } from './bigint-number.transformer';

const epochMs = { type: 'bigint', transformer: bigintNumberTransformer } as const;

/**
 * One accepted payment and the state of its unionid lookup. Times are epoch milliseconds.
 * The schema is owned by the migrations; this class only maps it.
 */
@Entity({ name: PAYMENTS_TABLE })
@Index('IDX_paid_unionid_payments_status_next_attempt', ['status', 'nextAttemptAtMs'])
@Index('IDX_paid_unionid_payments_status_deadline', ['status', 'deadlineMs'])
export class Payment {
  @PrimaryColumn({ name: 'transaction_id', type: 'varchar', length: 32 })
  transactionId: string;

  @Index('UQ_paid_unionid_payments_notification_id', { unique: true })
  @Column({ name: 'notification_id', type: 'varchar', length: 64 })
  notificationId: string;

  @Column({ name: 'out_trade_no', type: 'varchar', length: 64 })
  outTradeNo: string;

  @Column({ name: 'mch_id', type: 'varchar', length: 32 })
  mchId: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'openid', type: 'varchar', length: 128 })
  openid: string;

  @Column({ name: 'amount_total', type: 'integer' })
  amountTotal: number;

  @Column({ name: 'currency', type: 'varchar', length: 16 })
  currency: string;

  @Column({ name: 'success_time_ms', ...epochMs })
  successTimeMs: number;

  /** `successTimeMs` + 5 minutes: after it the lookup can no longer succeed. */
  @Column({ name: 'deadline_ms', ...epochMs })
  deadlineMs: number;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status: PaymentStatus;

  @Column({ name: 'unionid', type: 'varchar', length: 128, nullable: true })
  unionid: string | null;

  /** Finished lookup attempts (resolved, failed or rescheduled). */
  @Column({ name: 'attempts', type: 'integer' })
  attempts: number;

  @Column({ name: 'next_attempt_at_ms', ...epochMs })
  nextAttemptAtMs: number;

  /** Who is working on the row, until `leaseUntilMs`. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 128, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_until_ms', ...epochMs, nullable: true })
  leaseUntilMs: number | null;

  /** Last WeChat errcode seen, `null` for transport errors or none. */
  @Column({ name: 'last_errcode', type: 'integer', nullable: true })
  lastErrcode: number | null;

  @Column({ name: 'last_errmsg', type: 'text', nullable: true })
  lastErrmsg: string | null;

  @Column({ name: 'created_at_ms', ...epochMs })
  createdAtMs: number;

  /** Time of the last state change made through the repository. */
  @Column({ name: 'updated_at_ms', ...epochMs })
  updatedAtMs: number;

  @Column({ name: 'resolved_at_ms', ...epochMs, nullable: true })
  resolvedAtMs: number | null;

  /** When `onResolved`/`onFailed` returned for this (terminal) payment; `null` until then. */
  @Column({ name: 'event_delivered_at_ms', ...epochMs, nullable: true })
  eventDeliveredAtMs: number | null;

  /** Failed deliveries of the event so far. */
  @Column({ name: 'event_attempts', type: 'integer', default: 0 })
  eventAttempts: number;

  /** When the event may be delivered again after a failure; `null`: due at once. */
  @Column({ name: 'event_next_at_ms', ...epochMs, nullable: true })
  eventNextAtMs: number | null;
}

/** Who paid whom, as every event and status names it. */
export function partiesOf(payment: Payment): CapturedPaymentParties {
  return {
    transactionId: payment.transactionId,
    outTradeNo: payment.outTradeNo,
    mchId: payment.mchId,
    appId: payment.appId,
    openid: payment.openid,
  };
}
