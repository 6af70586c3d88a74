import type { Payment } from './entities';
import type { NewPayment, PaymentStatus } from './interfaces';

/**
 * Where captured payments live: every read and state change the capture makes, each one
 * statement (or one transaction) whose WHERE clause re-checks the state it depends on, so
 * several processes can share one database without double work. It is the DI token too: the
 * module picks one implementation when it starts (SQLite, PostgreSQL, or your own class; run
 * `describePaidUnionIdStore` from the `testing` entry point against yours).
 *
 * Work on a row is guarded by a lease (`leaseOwner` until `leaseUntilMs`): only that owner may
 * then resolve, fail, reschedule, release it or mark its event delivered. A lease that runs out
 * lets another owner claim the row (e.g. after a crash). All times are epoch milliseconds.
 *
 * @publicApi
 */
export abstract class PaidUnionIdStore {
  /**
   * Stores a new pending payment unless one with the same `transactionId` or `notificationId`
   * exists. @returns `true` only when this call created the row (committed durably).
   */
  abstract insertIfAbsent(payment: NewPayment): Promise<boolean>;

  /**
   * {@link insertIfAbsent} with the new row leased to `owner` at once (until
   * `payment.createdAtMs + leaseMs`): the in-process fast path, one write instead of insert,
   * claim and read. Committed durably like `insertIfAbsent`.
   *
   * This default inserts, then claims; the built-in stores override it with one INSERT.
   *
   * @returns the new row (leased to `owner`, unless another owner claimed it between the two
   * steps of this default), or `null` when a payment with the same `transactionId` or
   * `notificationId` exists (nothing changes).
   */
  async insertLeased(payment: NewPayment, owner: string, leaseMs: number): Promise<Payment | null> {
    if (!(await this.insertIfAbsent(payment))) return null;
    const { transactionId, createdAtMs } = payment;
    return (
      (await this.claimOne(transactionId, owner, createdAtMs, leaseMs)) ??
      (await this.findByTransactionId(transactionId))
    );
  }

  /**
   * Leases up to `limit` pending rows that are due and unleased, oldest due first.
   * @returns the rows this owner won; rows taken by a racing owner are left out.
   */
  abstract claimDue(owner: string, now: number, leaseMs: number, limit: number): Promise<Payment[]>;

  /** Leases one pending, unleased row whether or not it is due. @returns it, or `null`. */
  abstract claimOne(
    transactionId: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<Payment | null>;

  /**
   * `resolved` with `unionid` (and openid -> unionid recorded) in one transaction; clears the
   * lease, counts the attempt. @returns `false` unless pending and leased by `owner`.
   */
  abstract markResolved(
    transactionId: string,
    owner: string,
    unionid: string,
    now: number,
  ): Promise<boolean>;

  /** `failed` with the error; clears the lease. @returns `false` unless pending and leased by `owner`. */
  abstract markFailed(
    transactionId: string,
    owner: string,
    errcode: number | null,
    errmsg: string,
    now: number,
  ): Promise<boolean>;

  /** Keeps the error and makes the row due again at `nextAttemptAt`, lease released. */
  abstract scheduleRetry(
    transactionId: string,
    owner: string,
    nextAttemptAt: number,
    errcode: number | null,
    errmsg: string,
    now: number,
  ): Promise<boolean>;

  /** Hands a leased pending row back untouched (graceful shutdown). */
  abstract releaseLease(transactionId: string, owner: string): Promise<boolean>;

  /** Fails every unleased pending row whose deadline has passed. @returns how many. */
  abstract expireOverdue(now: number): Promise<number>;

  abstract findByTransactionId(transactionId: string): Promise<Payment | null>;

  /** @returns the unionid stored for `openid`, or `null`. */
  abstract findUnionId(openid: string): Promise<string | null>;

  abstract countByStatus(): Promise<Record<PaymentStatus, number>>;

  /** Pending, unleased rows (due or not), earliest due first: what a reconciler re-enqueues. */
  abstract pendingWithoutLease(now: number, limit?: number): Promise<Payment[]>;

  /**
   * Leases up to `limit` terminal rows whose `onResolved`/`onFailed` event is due (never
   * delivered, and its redelivery time reached). @returns the rows this owner won.
   */
  abstract claimUndeliveredEvents(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<Payment[]>;

  /** The event's handler returned: never deliver it again. Clears the lease. */
  abstract markEventDelivered(transactionId: string, owner: string, now: number): Promise<boolean>;

  /** The handler threw: deliver again from `nextAt`, one more failure counted. Clears the lease. */
  abstract scheduleEventRedelivery(
    transactionId: string,
    owner: string,
    nextAt: number,
  ): Promise<boolean>;

  /** Resolves when the database answers (health checks); rejects otherwise. */
  abstract ping(): Promise<void>;
}
