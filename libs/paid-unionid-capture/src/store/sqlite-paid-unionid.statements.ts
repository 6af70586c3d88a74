import type { Database, Statement } from 'better-sqlite3';
import type { Payment } from './entities';
import type { NewPayment } from './interfaces';
import { deadlineOf, newPaymentRow } from './new-payment.row';
import { PAYMENTS_TABLE, UNIONIDS_TABLE } from './store.constants';

/** A `payments` row as SQLite returns it. */
interface PaymentRow {
  transaction_id: string;
  notification_id: string;
  out_trade_no: string;
  mch_id: string;
  app_id: string;
  openid: string;
  amount_total: number;
  currency: string;
  success_time_ms: number;
  deadline_ms: number;
  status: Payment['status'];
  unionid: string | null;
  attempts: number;
  next_attempt_at_ms: number;
  lease_owner: string | null;
  lease_until_ms: number | null;
  last_errcode: number | null;
  last_errmsg: string | null;
  created_at_ms: number;
  updated_at_ms: number;
  resolved_at_ms: number | null;
  event_delivered_at_ms: number | null;
  event_attempts: number;
  event_next_at_ms: number | null;
}

/** Parameters: owner, lease until, transaction id, now (and now again for `leaseDue`). */
const LEASE = `UPDATE ${PAYMENTS_TABLE} SET lease_owner = ?, lease_until_ms = ?
  WHERE transaction_id = ? AND status = 'pending' AND (lease_until_ms IS NULL OR lease_until_ms < ?)`;

/**
 * The per-payment statements of the hot path (store, claim, resolve), prepared once on the
 * better-sqlite3 connection. Through TypeORM's query builder the same statements cost several
 * times more CPU than SQLite itself (bench: TypeORM was 38% of the app's CPU per notification).
 * Same SQL semantics as the portable versions in `TypeOrmPaidUnionIdStore`, which PostgreSQL uses.
 * Parameters are anonymous and positional (better-sqlite3 binds `?NNN` by name only): binding
 * a named object looks every name up, per row.
 */
export class SqlitePaidUnionIdStatements {
  private readonly insert: Statement;
  private readonly lease: Statement<unknown[], PaymentRow>;
  private readonly leaseDue: Statement<unknown[], PaymentRow>;
  private readonly dueCandidates: Statement<[number, number, number], { transaction_id: string }>;
  private readonly resolve: Statement;
  private readonly upsertUnionIdIfLeased: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(`INSERT INTO ${PAYMENTS_TABLE} (transaction_id, notification_id,
        out_trade_no, mch_id, app_id, openid, amount_total, currency, success_time_ms,
        deadline_ms, status, unionid, attempts, next_attempt_at_ms, lease_owner, lease_until_ms,
        last_errcode, last_errmsg, created_at_ms, updated_at_ms, resolved_at_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, 0, ?, ?, ?, NULL, NULL, ?, ?, NULL)
      ON CONFLICT DO NOTHING`);
    this.lease = db.prepare<unknown[], PaymentRow>(`${LEASE} RETURNING *`);
    this.leaseDue = db.prepare<unknown[], PaymentRow>(
      `${LEASE} AND next_attempt_at_ms <= ? RETURNING *`,
    );
    this.dueCandidates = db.prepare<[number, number, number], { transaction_id: string }>(
      `SELECT transaction_id FROM ${PAYMENTS_TABLE}
        WHERE status = 'pending' AND next_attempt_at_ms <= ?
          AND (lease_until_ms IS NULL OR lease_until_ms < ?)
        ORDER BY next_attempt_at_ms ASC LIMIT ?`,
    );
    // The unionid first, under the same conditions as the resolve after it: both or neither
    // change, without a savepoint per payment inside the group transaction. (Should the resolve
    // alone fail, the payment stays pending and the stored unionid is still the payer's.)
    this.upsertUnionIdIfLeased = db.prepare(`INSERT INTO ${UNIONIDS_TABLE}
        (openid, unionid, app_id, updated_at_ms)
      SELECT openid, ?, app_id, ? FROM ${PAYMENTS_TABLE}
        WHERE transaction_id = ? AND status = 'pending' AND lease_owner = ?
      ON CONFLICT (openid) DO UPDATE SET unionid = excluded.unionid, app_id = excluded.app_id,
        updated_at_ms = excluded.updated_at_ms`);
    this.resolve = db.prepare(`UPDATE ${PAYMENTS_TABLE} SET status = 'resolved',
        unionid = ?, resolved_at_ms = ?, updated_at_ms = ?, lease_owner = NULL,
        lease_until_ms = NULL, attempts = attempts + 1
      WHERE transaction_id = ? AND status = 'pending' AND lease_owner = ?`);
  }

  insertIfAbsent(payment: NewPayment): boolean {
    return this.insertRow(payment, null, null);
  }

  /** The new row leased to `owner` in the same INSERT: the row, or `null` for a duplicate. */
  insertLeased(payment: NewPayment, owner: string, leaseMs: number): Payment | null {
    const untilMs = payment.createdAtMs + leaseMs;
    return this.insertRow(payment, owner, untilMs)
      ? newPaymentRow(payment, { owner, untilMs })
      : null;
  }

  claim(
    transactionId: string,
    owner: string,
    now: number,
    leaseMs: number,
    dueOnly: boolean,
  ): Payment | null {
    const until = now + leaseMs;
    const row = dueOnly
      ? this.leaseDue.get(owner, until, transactionId, now, now)
      : this.lease.get(owner, until, transactionId, now);
    return row ? toPayment(row) : null;
  }

  /** Leases up to `limit` due, unleased rows, oldest due first (as the portable `claimDue`). */
  claimDue(owner: string, now: number, leaseMs: number, limit: number): Payment[] {
    const claimed: Payment[] = [];
    for (const { transaction_id } of this.dueCandidates.all(now, now, limit)) {
      const payment = this.claim(transaction_id, owner, now, leaseMs, true);
      if (payment) claimed.push(payment);
    }
    return claimed;
  }

  markResolved(transactionId: string, owner: string, unionid: string, now: number): boolean {
    if (this.upsertUnionIdIfLeased.run(unionid, now, transactionId, owner).changes !== 1) {
      return false;
    }
    return this.resolve.run(unionid, now, now, transactionId, owner).changes === 1;
  }

  /** Binds in the order of the INSERT's placeholders. */
  private insertRow(payment: NewPayment, owner: string | null, untilMs: number | null): boolean {
    const { transactionId, notificationId, outTradeNo, mchId, appId, openid } = payment;
    const { amountTotal, currency, successTimeMs, createdAtMs } = payment;
    const { changes } = this.insert.run(
      transactionId,
      notificationId,
      outTradeNo,
      mchId,
      appId,
      openid,
      amountTotal,
      currency,
      successTimeMs,
      deadlineOf(payment),
      createdAtMs, // next_attempt_at_ms
      owner,
      untilMs,
      createdAtMs,
      createdAtMs, // updated_at_ms
    );
    return changes === 1;
  }
}

/** A plain object, like `newPaymentRow`'s: this runs for every claimed row. */
function toPayment(row: PaymentRow): Payment {
  return {
    transactionId: row.transaction_id,
    notificationId: row.notification_id,
    outTradeNo: row.out_trade_no,
    mchId: row.mch_id,
    appId: row.app_id,
    openid: row.openid,
    amountTotal: row.amount_total,
    currency: row.currency,
    successTimeMs: row.success_time_ms,
    deadlineMs: row.deadline_ms,
    status: row.status,
    unionid: row.unionid,
    attempts: row.attempts,
    nextAttemptAtMs: row.next_attempt_at_ms,
    leaseOwner: row.lease_owner,
    leaseUntilMs: row.lease_until_ms,
    lastErrcode: row.last_errcode,
    lastErrmsg: row.last_errmsg,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    resolvedAtMs: row.resolved_at_ms,
    eventDeliveredAtMs: row.event_delivered_at_ms,
    eventAttempts: row.event_attempts,
    eventNextAtMs: row.event_next_at_ms,
  };
}
