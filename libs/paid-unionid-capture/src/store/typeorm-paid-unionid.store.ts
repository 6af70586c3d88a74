import type { DataSource, EntityManager, QueryResult, UpdateQueryBuilder } from 'typeorm';
import { PAYMENT_WINDOW_EXPIRED_ERRMSG } from '../paid-unionid-capture.constants';
import { Payment, UnionId } from './entities';
import type { NewPayment, PaymentStatus } from './interfaces';
import { newPaymentRow } from './new-payment.row';
import { PaidUnionIdStore } from './paid-unionid.store';

/** Rows returned by `pendingWithoutLease` when no limit is given. */
const DEFAULT_SCAN_LIMIT = 100;

/** Statuses whose `onResolved`/`onFailed` event is delivered. */
const TERMINAL: PaymentStatus[] = ['resolved', 'failed'];

/**
 * The store on a TypeORM `DataSource`, portable SQL through the query builder: what PostgreSQL
 * uses (each operation gets a pool connection). {@link SqlitePaidUnionIdStore} builds on it.
 *
 * @publicApi
 */
export class TypeOrmPaidUnionIdStore extends PaidUnionIdStore {
  constructor(protected readonly dataSource: DataSource) {
    super();
  }

  /**
   * Stores a new pending payment unless one with the same `transactionId` or `notificationId`
   * exists (INSERT ... ON CONFLICT DO NOTHING).
   *
   * @returns `true` only when this call created the row.
   */
  insertIfAbsent(payment: NewPayment): Promise<boolean> {
    return this.run(() => this.insertRow(newPaymentRow(payment)));
  }

  /**
   * Stores a new pending payment already leased to `owner` (one INSERT ... ON CONFLICT DO
   * NOTHING): the in-process fast path, no claim and no read after it.
   *
   * @returns the new row, or `null` when the payment exists already.
   */
  override insertLeased(
    payment: NewPayment,
    owner: string,
    leaseMs: number,
  ): Promise<Payment | null> {
    const row = newPaymentRow(payment, { owner, untilMs: payment.createdAtMs + leaseMs });
    return this.run(async () => ((await this.insertRow(row)) ? row : null));
  }

  /**
   * Leases up to `limit` pending rows that are due (`next_attempt_at_ms <= now`) and not leased
   * by anyone (no lease, or one that ended before `now`), oldest due first.
   *
   * @returns the rows this owner won, with the new lease; rows taken by a racing owner are left out.
   */
  claimDue(owner: string, now: number, leaseMs: number, limit: number): Promise<Payment[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.run(async () => {
      const candidates = await this.dataSource
        .getRepository(Payment)
        .createQueryBuilder('p')
        .select('p.transactionId', 'transactionId')
        .where('p.status = :pending', { pending: 'pending' satisfies PaymentStatus })
        .andWhere('p.nextAttemptAtMs <= :now', { now })
        .andWhere('(p.leaseUntilMs IS NULL OR p.leaseUntilMs < :now)', { now })
        .orderBy('p.nextAttemptAtMs', 'ASC')
        .limit(limit)
        .getRawMany<{ transactionId: string }>();
      const claimed: Payment[] = [];
      for (const { transactionId } of candidates) {
        const payment = await this.lease(transactionId, owner, now, leaseMs, true);
        if (payment) claimed.push(payment);
      }
      return claimed;
    });
  }

  /**
   * Leases one pending row if nobody holds a live lease on it, whether or not it is due:
   * the fast path right after {@link insertIfAbsent} returned `true`.
   *
   * @returns the leased row, or `null` when it is unknown, not pending or leased by another owner.
   */
  claimOne(
    transactionId: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<Payment | null> {
    return this.run(() => this.lease(transactionId, owner, now, leaseMs, false));
  }

  /**
   * Records the unionid: the row becomes `resolved`, its lease is cleared, `attempts` grows by
   * one, and `unionids` maps the payment's openid to `unionid` — all in one transaction.
   *
   * @returns `false` (and changes nothing) unless the row is pending and leased by `owner`.
   */
  markResolved(
    transactionId: string,
    owner: string,
    unionid: string,
    now: number,
  ): Promise<boolean> {
    return this.run(() =>
      this.dataSource.transaction(async (manager) => {
        const updated = await this.updateOwned(manager, transactionId, owner, {
          status: 'resolved',
          unionid,
          resolvedAtMs: now,
          updatedAtMs: now,
        });
        if (!updated) return false;
        const { openid, appId } = await manager.findOneByOrFail(Payment, { transactionId });
        await manager
          .createQueryBuilder()
          .insert()
          .into(UnionId)
          .values({ openid, unionid, appId, updatedAtMs: now })
          .orUpdate(['unionid', 'app_id', 'updated_at_ms'], ['openid'])
          .execute();
        return true;
      }),
    );
  }

  /**
   * Records a terminal failure (e.g. errcode 40003): the row becomes `failed` with the error,
   * its lease is cleared and `attempts` grows by one.
   *
   * @returns `false` (and changes nothing) unless the row is pending and leased by `owner`.
   */
  markFailed(
    transactionId: string,
    owner: string,
    errcode: number | null,
    errmsg: string,
    now: number,
  ): Promise<boolean> {
    return this.run(() =>
      this.updateOwned(this.dataSource.manager, transactionId, owner, {
        status: 'failed',
        lastErrcode: errcode,
        lastErrmsg: errmsg,
        updatedAtMs: now,
      }),
    );
  }

  /**
   * Records a retryable failure: the error is kept, `attempts` grows by one, the lease is
   * released and the row becomes due again at `nextAttemptAt`. A `nextAttemptAt` past the
   * deadline is allowed; {@link expireOverdue} then fails the row.
   *
   * @returns `false` (and changes nothing) unless the row is pending and leased by `owner`.
   */
  scheduleRetry(
    transactionId: string,
    owner: string,
    nextAttemptAt: number,
    errcode: number | null,
    errmsg: string,
    now: number,
  ): Promise<boolean> {
    return this.run(() =>
      this.updateOwned(this.dataSource.manager, transactionId, owner, {
        nextAttemptAtMs: nextAttemptAt,
        lastErrcode: errcode,
        lastErrmsg: errmsg,
        updatedAtMs: now,
      }),
    );
  }

  /**
   * Hands a leased row back untouched (graceful shutdown): the lease is cleared, `attempts`
   * and the due time stay as they were, so any process can claim it at once.
   *
   * @returns `false` unless the row is pending and leased by `owner`.
   */
  releaseLease(transactionId: string, owner: string): Promise<boolean> {
    return this.run(async () => {
      const result = await this.dataSource
        .createQueryBuilder()
        .update(Payment)
        .set({ leaseOwner: null, leaseUntilMs: null })
        .where('transaction_id = :transactionId', { transactionId })
        .andWhere('status = :pending', { pending: 'pending' satisfies PaymentStatus })
        .andWhere('lease_owner = :owner', { owner })
        .execute();
      return result.affected === 1;
    });
  }

  /**
   * Fails every pending row whose deadline (`success_time` + 5 min) is at or before `now` and
   * that no live lease covers (a lease owner records its own outcome, with the errcodes of the
   * attempt in flight): `last_errmsg` says the window expired (followed by the previous errmsg,
   * if any) and `last_errcode` keeps the last WeChat errcode seen.
   *
   * @returns how many rows were failed.
   */
  expireOverdue(now: number): Promise<number> {
    return this.run(async () => {
      const result = await this.dataSource
        .createQueryBuilder()
        .update(Payment)
        .set({
          status: 'failed',
          lastErrmsg: () =>
            "CAST(:expired AS VARCHAR) || COALESCE(' (last error: ' || last_errmsg || ')', '')",
          leaseOwner: null,
          leaseUntilMs: null,
          updatedAtMs: now,
        })
        .where('status = :pending', { pending: 'pending' satisfies PaymentStatus })
        .andWhere('deadline_ms <= :now', { now })
        .andWhere('(lease_until_ms IS NULL OR lease_until_ms < :now)', { now })
        .setParameter('expired', PAYMENT_WINDOW_EXPIRED_ERRMSG)
        .execute();
      return result.affected ?? 0;
    });
  }

  /** @returns the payment, or `null` when unknown. */
  findByTransactionId(transactionId: string): Promise<Payment | null> {
    return this.run(() => this.dataSource.manager.findOneBy(Payment, { transactionId }));
  }

  /** @returns the unionid stored for `openid`, or `null` when none is known yet. */
  findUnionId(openid: string): Promise<string | null> {
    return this.run(async () => {
      const row = await this.dataSource.manager.findOneBy(UnionId, { openid });
      return row?.unionid ?? null;
    });
  }

  /** @returns the number of payments in each status (zero for absent ones). */
  countByStatus(): Promise<Record<PaymentStatus, number>> {
    return this.run(async () => {
      const rows = await this.dataSource
        .getRepository(Payment)
        .createQueryBuilder('p')
        .select('p.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .groupBy('p.status')
        .getRawMany<{ status: PaymentStatus; count: string | number }>();
      const counts: Record<PaymentStatus, number> = { pending: 0, resolved: 0, failed: 0 };
      for (const { status, count } of rows) counts[status] = Number(count);
      return counts;
    });
  }

  /**
   * Pending rows that nobody holds a live lease on, due or not, earliest due first:
   * what a reconciler re-enqueues (e.g. after a crash emptied an in-memory queue).
   */
  pendingWithoutLease(now: number, limit: number = DEFAULT_SCAN_LIMIT): Promise<Payment[]> {
    return this.run(() =>
      this.dataSource
        .getRepository(Payment)
        .createQueryBuilder('p')
        .where('p.status = :pending', { pending: 'pending' satisfies PaymentStatus })
        .andWhere('(p.leaseUntilMs IS NULL OR p.leaseUntilMs < :now)', { now })
        .orderBy('p.nextAttemptAtMs', 'ASC')
        .addOrderBy('p.transactionId', 'ASC')
        .limit(limit)
        .getMany(),
    );
  }

  /** Resolves when the database answers a trivial query; rejects otherwise (health checks). */
  ping(): Promise<void> {
    return this.run(async () => {
      await this.dataSource.query('SELECT 1');
    });
  }

  claimUndeliveredEvents(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<Payment[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.run(async () => {
      const candidates = await this.dataSource
        .getRepository(Payment)
        .createQueryBuilder('p')
        .select('p.transactionId', 'transactionId')
        .where('p.status IN (:...terminal)', { terminal: TERMINAL })
        .andWhere('p.eventDeliveredAtMs IS NULL')
        .andWhere('(p.eventNextAtMs IS NULL OR p.eventNextAtMs <= :now)', { now })
        .andWhere('(p.leaseUntilMs IS NULL OR p.leaseUntilMs < :now)', { now })
        .orderBy('p.updatedAtMs', 'ASC')
        .limit(limit)
        .getRawMany<{ transactionId: string }>();
      const claimed: Payment[] = [];
      for (const { transactionId } of candidates) {
        const result = await this.undeliveredEvent(transactionId)
          .set({ leaseOwner: owner, leaseUntilMs: now + leaseMs })
          .andWhere('(event_next_at_ms IS NULL OR event_next_at_ms <= :now)', { now })
          .andWhere('(lease_until_ms IS NULL OR lease_until_ms < :now)', { now })
          .execute();
        if (result.affected !== 1) continue;
        const payment = await this.dataSource.manager.findOneBy(Payment, { transactionId });
        if (payment) claimed.push(payment);
      }
      return claimed;
    });
  }

  markEventDelivered(transactionId: string, owner: string, now: number): Promise<boolean> {
    return this.run(async () => {
      const result = await this.undeliveredEvent(transactionId)
        .set({ eventDeliveredAtMs: now, leaseOwner: null, leaseUntilMs: null })
        .andWhere('lease_owner = :owner', { owner })
        .execute();
      return result.affected === 1;
    });
  }

  scheduleEventRedelivery(transactionId: string, owner: string, nextAt: number): Promise<boolean> {
    return this.run(async () => {
      const result = await this.undeliveredEvent(transactionId)
        .set({
          eventNextAtMs: nextAt,
          eventAttempts: () => 'event_attempts + 1',
          leaseOwner: null,
          leaseUntilMs: null,
        })
        .andWhere('lease_owner = :owner', { owner })
        .execute();
      return result.affected === 1;
    });
  }

  /** Runs one store operation; SQLite serialises them (see {@link SqlitePaidUnionIdStore}). */
  protected run<T>(job: () => Promise<T>): Promise<T> {
    return job();
  }

  /** An UPDATE of `transactionId` while it is terminal and its event undelivered. */
  private undeliveredEvent(transactionId: string): UpdateQueryBuilder<Payment> {
    return this.dataSource
      .createQueryBuilder()
      .update(Payment)
      .where('transaction_id = :transactionId', { transactionId })
      .andWhere('status IN (:...terminal)', { terminal: TERMINAL })
      .andWhere('event_delivered_at_ms IS NULL');
  }

  /** Conditional UPDATE taking the lease; re-reads the row when this owner won it. */
  protected async lease(
    transactionId: string,
    owner: string,
    now: number,
    leaseMs: number,
    dueOnly: boolean,
  ): Promise<Payment | null> {
    const update = this.dataSource
      .createQueryBuilder()
      .update(Payment)
      .set({ leaseOwner: owner, leaseUntilMs: now + leaseMs })
      .where('transaction_id = :transactionId', { transactionId })
      .andWhere('status = :pending', { pending: 'pending' satisfies PaymentStatus })
      .andWhere('(lease_until_ms IS NULL OR lease_until_ms < :now)', { now });
    // Between the scan and this UPDATE another owner may have rescheduled the row.
    if (dueOnly) update.andWhere('next_attempt_at_ms <= :now', { now });
    const result = await update.execute();
    if (result.affected !== 1) return null;
    return this.dataSource.manager.findOneBy(Payment, { transactionId });
  }

  /**
   * Ends this owner's work on a pending row: applies `changes`, clears the lease and counts
   * the attempt, only while the row is pending and leased by `owner`.
   */
  private async updateOwned(
    manager: EntityManager,
    transactionId: string,
    owner: string,
    changes: Partial<Payment>,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Payment)
      .set({
        ...changes,
        leaseOwner: null,
        leaseUntilMs: null,
        attempts: () => 'attempts + 1',
      })
      .where('transaction_id = :transactionId', { transactionId })
      .andWhere('status = :pending', { pending: 'pending' satisfies PaymentStatus })
      .andWhere('lease_owner = :owner', { owner })
      .execute();
    return result.affected === 1;
  }

  /** INSERT ... ON CONFLICT DO NOTHING of a new row: `true` when this call created it. */
  private async insertRow(row: Payment): Promise<boolean> {
    const [sql, parameters] = this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Payment)
      .values(row)
      .orIgnore()
      .getQueryAndParameters();
    // The affected-row count is the only portable "was it inserted" signal: SQLite has no
    // RETURNING in TypeORM, and InsertResult drops the count.
    const result = await this.execute(sql, parameters);
    return result.affected === 1;
  }

  /** Runs SQL on its own query runner and returns the structured result (with `affected`). */
  private async execute(sql: string, parameters: unknown[]): Promise<QueryResult> {
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      return await queryRunner.query(sql, parameters, true);
    } finally {
      await queryRunner.release();
    }
  }
}
