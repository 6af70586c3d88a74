import { DataSource, type DataSourceOptions } from 'typeorm';
import { Payment, UnionId } from '../entities';
import type { NewPayment } from '../interfaces';
import {
  PAYMENT_WINDOW_EXPIRED_ERRMSG,
  PAYMENT_WINDOW_MS,
} from '../../paid-unionid-capture.constants';
import { createPaidUnionIdStore } from '../create-paid-unionid.store';
import type { PaidUnionIdStore } from '../paid-unionid.store';
import { PAYMENTS_TABLE, UNIONIDS_TABLE } from '../store.constants';

/** A database the suite may fill and empty; both DataSources it opens share it. */
export interface PaidUnionIdStoreSuiteTarget {
  /** Options for a connection to the (initially empty) test database. */
  dataSourceOptions(): DataSourceOptions;
  /** Removes the test database after both connections closed. */
  cleanup(): Promise<void>;
}

/** Far above 2^32, so that a bigint mapped to a 32-bit number would show. */
const T0 = 1_795_785_381_833;
const LEASE_MS = 30_000;

/** A valid payment whose ids derive from `n`, accepted at T0 one second after success. */
export function newPayment(n: number, overrides: Partial<NewPayment> = {}): NewPayment {
  const suffix = String(n).padStart(6, '0');
  return {
    transactionId: `4200001234202611${suffix}`,
    notificationId: `EV-2026-${suffix}-0000-0000-000000000000`,
    outTradeNo: `ORDER-${suffix}`,
    mchId: '1900000109',
    appId: 'wx0123456789abcdef',
    openid: `oUpF8uMuAJO_M2pxb1Q9zNjW${suffix}`,
    amountTotal: 100 + n,
    currency: 'CNY',
    successTimeMs: T0 - 1_000,
    createdAtMs: T0,
    ...overrides,
  };
}

/**
 * The contract of a {@link PaidUnionIdStore}, run against a real database: run it against your
 * own store too (`createStore`). Two DataSources on the same database stand for two processes
 * (A and B) racing each other.
 */
export function describePaidUnionIdStore(
  label: string,
  createTarget: () => Promise<PaidUnionIdStoreSuiteTarget>,
  createStore: (dataSource: DataSource) => PaidUnionIdStore = createPaidUnionIdStore,
): void {
  describe(`PaidUnionIdStore on ${label}`, () => {
    let target: PaidUnionIdStoreSuiteTarget;
    let dsA: DataSource;
    let dsB: DataSource;
    let a: PaidUnionIdStore;
    let b: PaidUnionIdStore;

    beforeAll(async () => {
      target = await createTarget();
      dsA = await new DataSource(target.dataSourceOptions()).initialize();
      // Sequential on purpose: the second start must find the migrations already applied.
      dsB = await new DataSource(target.dataSourceOptions()).initialize();
      a = createStore(dsA);
      b = createStore(dsB);
    });

    afterAll(async () => {
      await dsA?.destroy();
      await dsB?.destroy();
      await target?.cleanup();
    });

    beforeEach(async () => {
      await dsA.getRepository(UnionId).clear();
      await dsA.getRepository(Payment).clear();
    });

    const row = (transactionId: string) =>
      dsA.getRepository(Payment).findOneByOrFail({ transactionId });
    const countRows = () => dsA.getRepository(Payment).count();

    /** Inserts payment `n` and leases it to `owner` of repository `repo`. */
    const insertAndClaim = async (n: number, repo = a, owner = 'A'): Promise<Payment> => {
      const payment = newPayment(n);
      expect(await repo.insertIfAbsent(payment)).toBe(true);
      const claimed = await repo.claimOne(payment.transactionId, owner, T0, LEASE_MS);
      expect(claimed).not.toBeNull();
      return claimed as Payment;
    };

    describe('migrations', () => {
      it('create both tables with their keys and indices, and leave nothing pending', async () => {
        const queryRunner = dsA.createQueryRunner();
        try {
          const payments = await queryRunner.getTable(PAYMENTS_TABLE);
          const unionids = await queryRunner.getTable(UNIONIDS_TABLE);
          expect(payments?.columns.map((c) => c.name).sort()).toEqual(
            [
              'amount_total',
              'app_id',
              'attempts',
              'created_at_ms',
              'currency',
              'deadline_ms',
              'event_attempts',
              'event_delivered_at_ms',
              'event_next_at_ms',
              'last_errcode',
              'last_errmsg',
              'lease_owner',
              'lease_until_ms',
              'mch_id',
              'next_attempt_at_ms',
              'notification_id',
              'openid',
              'out_trade_no',
              'resolved_at_ms',
              'status',
              'success_time_ms',
              'transaction_id',
              'unionid',
              'updated_at_ms',
            ].sort(),
          );
          expect(payments?.primaryColumns.map((c) => c.name)).toEqual(['transaction_id']);
          const nullable = payments?.columns.filter((c) => c.isNullable).map((c) => c.name);
          expect(nullable?.sort()).toEqual(
            [
              'event_delivered_at_ms',
              'event_next_at_ms',
              'last_errcode',
              'last_errmsg',
              'lease_owner',
              'lease_until_ms',
              'resolved_at_ms',
              'unionid',
            ].sort(),
          );
          // PostgreSQL reports an index's columns in table order, not index order.
          const indices = payments?.indices.map((i) => [[...i.columnNames].sort(), i.isUnique]);
          expect(indices).toEqual(
            expect.arrayContaining([
              [['notification_id'], true],
              [['next_attempt_at_ms', 'status'], false],
              [['deadline_ms', 'status'], false],
              [['event_next_at_ms'], false],
            ]),
          );
          expect(unionids?.primaryColumns.map((c) => c.name)).toEqual(['openid']);
          expect(unionids?.columns.map((c) => c.name).sort()).toEqual(
            ['app_id', 'openid', 'unionid', 'updated_at_ms'].sort(),
          );
          expect(await dsA.showMigrations()).toBe(false);
          expect(await dsB.showMigrations()).toBe(false);
        } finally {
          await queryRunner.release();
        }
      });

      it('reject a status outside pending/resolved/failed', async () => {
        await a.insertIfAbsent(newPayment(1));
        await expect(
          dsA.getRepository(Payment).update(
            { transactionId: newPayment(1).transactionId },
            {
              status: 'unknown' as Payment['status'],
            },
          ),
        ).rejects.toThrow();
      });
    });

    describe('insertIfAbsent', () => {
      it('stores a pending payment with its deadline, and bigint columns read back as numbers', async () => {
        const payment = newPayment(1);
        expect(await a.insertIfAbsent(payment)).toBe(true);
        const stored = await b.findByTransactionId(payment.transactionId);
        expect(stored).toEqual({
          ...payment,
          deadlineMs: payment.successTimeMs + PAYMENT_WINDOW_MS,
          status: 'pending',
          unionid: null,
          attempts: 0,
          nextAttemptAtMs: T0,
          leaseOwner: null,
          leaseUntilMs: null,
          lastErrcode: null,
          lastErrmsg: null,
          updatedAtMs: T0,
          resolvedAtMs: null,
          eventDeliveredAtMs: null,
          eventAttempts: 0,
          eventNextAtMs: null,
        });
        for (const value of [stored?.successTimeMs, stored?.deadlineMs, stored?.createdAtMs]) {
          expect(typeof value).toBe('number');
        }
      });

      it('creates one row and one true for 3 concurrent duplicates of a transaction id', async () => {
        const payment = newPayment(1);
        const results = await Promise.all([
          a.insertIfAbsent(payment),
          b.insertIfAbsent({ ...payment, notificationId: 'EV-RETRY-1' }),
          a.insertIfAbsent({ ...payment, notificationId: 'EV-RETRY-2' }),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await countRows()).toBe(1);
      });

      it('creates one row and one true for 3 concurrent duplicates of a notification id', async () => {
        const results = await Promise.all([
          b.insertIfAbsent(newPayment(1)),
          a.insertIfAbsent(newPayment(2, { notificationId: newPayment(1).notificationId })),
          b.insertIfAbsent(newPayment(3, { notificationId: newPayment(1).notificationId })),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await countRows()).toBe(1);
      });

      it('returns false for a later duplicate and leaves the row as it was', async () => {
        await insertAndClaim(1);
        expect(await b.insertIfAbsent({ ...newPayment(1), createdAtMs: T0 + 5 })).toBe(false);
        const stored = await row(newPayment(1).transactionId);
        expect(stored.leaseOwner).toBe('A');
        expect(stored.createdAtMs).toBe(T0);
      });

      it('stores distinct payments side by side', async () => {
        const results = await Promise.all([1, 2, 3].map((n) => a.insertIfAbsent(newPayment(n))));
        expect(results).toEqual([true, true, true]);
        expect(await countRows()).toBe(3);
      });
    });

    describe('writes of one event-loop turn (group commit)', () => {
      it('gives exactly one true per transaction id and per notification id among 40 inserts of one turn', async () => {
        // 20 distinct payments, each sent twice (a WeChat retry: same transaction, new notification
        // id), and 10 others reusing notification ids of the first ones, all in one turn.
        const inserts = [
          ...Array.from({ length: 20 }, (_, i) => newPayment(i + 1)),
          ...Array.from({ length: 10 }, (_, i) => ({
            ...newPayment(i + 1),
            notificationId: `EV-RETRY-${i + 1}`,
          })),
          ...Array.from({ length: 10 }, (_, i) =>
            newPayment(i + 101, { notificationId: newPayment(i + 11).notificationId }),
          ),
        ];
        const results = await Promise.all(
          inserts.map((payment, i) => (i % 2 === 0 ? a : b).insertIfAbsent(payment)),
        );
        expect(results.filter(Boolean)).toHaveLength(20);
        expect(await countRows()).toBe(20);
        // Each payment 1..20 ends up stored once, whichever of its racing inserts won.
        for (let n = 1; n <= 20; n++) {
          const winners = inserts
            .map((payment, i) => ({ payment, won: results[i] }))
            .filter(
              ({ payment, won }) =>
                won &&
                (payment.transactionId === newPayment(n).transactionId ||
                  payment.notificationId === newPayment(n).notificationId),
            );
          expect(winners).toHaveLength(1);
        }
      });

      it('resolves each write only once it is committed (another connection sees it)', async () => {
        const seen = await Promise.all(
          [1, 2, 3].map(async (n) => {
            expect(await a.insertIfAbsent(newPayment(n))).toBe(true);
            return dsB
              .getRepository(Payment)
              .existsBy({ transactionId: newPayment(n).transactionId });
          }),
        );
        expect(seen).toEqual([true, true, true]);
      });

      it('rejects a bad row alone: the other writes of its turn are stored and acknowledged', async () => {
        const claimed = await insertAndClaim(50);
        const bad = { ...newPayment(2), openid: null } as unknown as NewPayment;
        const results = await Promise.allSettled([
          a.insertIfAbsent(newPayment(1)),
          a.insertIfAbsent(bad),
          a.insertLeased(newPayment(3), 'A', LEASE_MS),
          a.markResolved(claimed.transactionId, 'A', 'oUNION-50', T0 + 1),
        ]);
        expect(results.map((r) => r.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
        ]);
        expect(await countRows()).toBe(3);
        expect(await b.findByTransactionId(newPayment(2).transactionId)).toBeNull();
        expect(await b.findByTransactionId(newPayment(3).transactionId)).toMatchObject({
          leaseOwner: 'A',
        });
        expect(await b.findUnionId(claimed.openid)).toBe('oUNION-50');
      });
    });

    describe('insertLeased', () => {
      it('stores the payment leased to the owner and returns the row as stored', async () => {
        const payment = newPayment(1);
        const leased = await a.insertLeased(payment, 'A', LEASE_MS);
        expect(leased).toEqual({
          ...payment,
          deadlineMs: payment.successTimeMs + PAYMENT_WINDOW_MS,
          status: 'pending',
          unionid: null,
          attempts: 0,
          nextAttemptAtMs: T0,
          leaseOwner: 'A',
          leaseUntilMs: T0 + LEASE_MS,
          lastErrcode: null,
          lastErrmsg: null,
          updatedAtMs: T0,
          resolvedAtMs: null,
          eventDeliveredAtMs: null,
          eventAttempts: 0,
          eventNextAtMs: null,
        });
        expect(await b.findByTransactionId(payment.transactionId)).toEqual(leased);
      });

      it('returns null for a duplicate (transaction id or notification id) and changes nothing', async () => {
        await a.insertIfAbsent(newPayment(1));
        expect(
          await b.insertLeased({ ...newPayment(1), notificationId: 'EV-RETRY' }, 'B', LEASE_MS),
        ).toBeNull();
        expect(
          await b.insertLeased(
            newPayment(2, { notificationId: newPayment(1).notificationId }),
            'B',
            LEASE_MS,
          ),
        ).toBeNull();
        expect(await row(newPayment(1).transactionId)).toMatchObject({ leaseOwner: null });
        expect(await countRows()).toBe(1);
      });

      it('gives one winner among concurrent insertLeased and insertIfAbsent of one payment', async () => {
        const payment = newPayment(1);
        const results = await Promise.all([
          a.insertLeased(payment, 'A', LEASE_MS),
          b.insertLeased({ ...payment, notificationId: 'EV-RETRY-1' }, 'B', LEASE_MS),
          a.insertIfAbsent({ ...payment, notificationId: 'EV-RETRY-2' }),
          a.insertLeased({ ...payment, notificationId: 'EV-RETRY-3' }, 'A', LEASE_MS),
        ]);
        expect(results.filter((r) => r !== null && r !== false)).toHaveLength(1);
        expect(await countRows()).toBe(1);
      });

      it('holds the row like a claim: no other owner until the lease runs out; the owner resolves it', async () => {
        const { transactionId } = newPayment(1);
        await a.insertLeased(newPayment(1), 'A', LEASE_MS);
        expect(await b.claimOne(transactionId, 'B', T0 + 1, LEASE_MS)).toBeNull();
        expect(await b.claimDue('B', T0 + LEASE_MS, LEASE_MS, 10)).toEqual([]);
        expect(await a.pendingWithoutLease(T0 + 1)).toEqual([]);
        expect(await a.markResolved(transactionId, 'A', 'oUNION-1', T0 + 2)).toBe(true);
        expect(await row(transactionId)).toMatchObject({ status: 'resolved', attempts: 1 });
      });
    });

    describe('claimDue and claimOne', () => {
      it('leases only pending, due, unleased rows, oldest due first, up to the limit', async () => {
        await a.insertIfAbsent(newPayment(1, { createdAtMs: T0 - 30 }));
        await a.insertIfAbsent(newPayment(2, { createdAtMs: T0 - 20 }));
        await a.insertIfAbsent(newPayment(3, { createdAtMs: T0 - 10 }));
        await a.insertIfAbsent(newPayment(4, { createdAtMs: T0 + 1 })); // not due yet

        const first = await a.claimDue('A', T0, LEASE_MS, 2);
        expect(first.map((p) => p.transactionId)).toEqual([
          newPayment(1).transactionId,
          newPayment(2).transactionId,
        ]);
        expect(first[0]).toMatchObject({ leaseOwner: 'A', leaseUntilMs: T0 + LEASE_MS });

        const rest = await b.claimDue('B', T0, LEASE_MS, 10);
        expect(rest.map((p) => p.transactionId)).toEqual([newPayment(3).transactionId]);
        expect(await b.claimDue('B', T0, LEASE_MS, 10)).toEqual([]);
      });

      it('claims nothing for a limit of 0', async () => {
        await a.insertIfAbsent(newPayment(1));
        expect(await a.claimDue('A', T0, LEASE_MS, 0)).toEqual([]);
        expect((await row(newPayment(1).transactionId)).leaseOwner).toBeNull();
      });

      it('gives each row to exactly one of two racing owners', async () => {
        const ids = Array.from({ length: 30 }, (_, i) => newPayment(i + 1).transactionId);
        for (let n = 1; n <= 30; n++) await a.insertIfAbsent(newPayment(n));

        const [wonByA, wonByB] = await Promise.all([
          a.claimDue('A', T0, LEASE_MS, 30),
          b.claimDue('B', T0, LEASE_MS, 30),
        ]);
        const idsA = wonByA.map((p) => p.transactionId);
        const idsB = wonByB.map((p) => p.transactionId);
        expect([...idsA, ...idsB].sort()).toEqual([...ids].sort());
        expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
        for (const id of idsA) expect((await row(id)).leaseOwner).toBe('A');
        for (const id of idsB) expect((await row(id)).leaseOwner).toBe('B');
      });

      it('gives one row to exactly one of several racing claimOne calls', async () => {
        const { transactionId } = newPayment(1);
        await a.insertIfAbsent(newPayment(1));
        const results = await Promise.all([
          a.claimOne(transactionId, 'A1', T0, LEASE_MS),
          b.claimOne(transactionId, 'B1', T0, LEASE_MS),
          a.claimOne(transactionId, 'A2', T0, LEASE_MS),
          b.claimOne(transactionId, 'B2', T0, LEASE_MS),
        ]);
        const winners = results.filter((p): p is Payment => p !== null);
        expect(winners).toHaveLength(1);
        expect((await row(transactionId)).leaseOwner).toBe(winners[0].leaseOwner);
      });

      it('claimOne takes a row that is not due yet but respects a live lease', async () => {
        const { transactionId } = newPayment(1);
        await a.insertIfAbsent(newPayment(1, { createdAtMs: T0 + 60_000 }));
        expect(await a.claimOne(transactionId, 'A', T0, LEASE_MS)).toMatchObject({
          leaseOwner: 'A',
        });
        expect(await b.claimOne(transactionId, 'B', T0 + 1, LEASE_MS)).toBeNull();
        expect(await b.claimOne('unknown', 'B', T0, LEASE_MS)).toBeNull();
      });

      it('lets another owner claim once the lease has run out, and then shuts out the old owner', async () => {
        const { transactionId } = await insertAndClaim(1);
        const leaseEnd = T0 + LEASE_MS;

        expect(await b.claimDue('B', leaseEnd - 1, LEASE_MS, 10)).toEqual([]);
        // lease_until_ms < now is required: at the very end of the lease it is still live.
        expect(await b.claimDue('B', leaseEnd, LEASE_MS, 10)).toEqual([]);
        const taken = await b.claimDue('B', leaseEnd + 1, LEASE_MS, 10);
        expect(taken.map((p) => p.leaseOwner)).toEqual(['B']);

        expect(await a.markResolved(transactionId, 'A', 'oUNION-late', leaseEnd + 2)).toBe(false);
        expect(await b.markResolved(transactionId, 'B', 'oUNION-1', leaseEnd + 2)).toBe(true);
      });
    });

    describe('markResolved', () => {
      it('resolves the row and writes unionids in one go', async () => {
        const claimed = await insertAndClaim(1);
        expect(await a.markResolved(claimed.transactionId, 'A', 'oUNION-1', T0 + 500)).toBe(true);

        expect(await b.findByTransactionId(claimed.transactionId)).toMatchObject({
          status: 'resolved',
          unionid: 'oUNION-1',
          resolvedAtMs: T0 + 500,
          updatedAtMs: T0 + 500,
          attempts: 1,
          leaseOwner: null,
          leaseUntilMs: null,
        });
        expect(await b.findUnionId(claimed.openid)).toBe('oUNION-1');
        expect(await dsB.getRepository(UnionId).findOneBy({ openid: claimed.openid })).toEqual({
          openid: claimed.openid,
          unionid: 'oUNION-1',
          appId: claimed.appId,
          updatedAtMs: T0 + 500,
        });
      });

      it('refuses a non-owner, an unleased row and a finished row', async () => {
        const claimed = await insertAndClaim(1);
        expect(await b.markResolved(claimed.transactionId, 'B', 'oUNION-x', T0)).toBe(false);
        expect(await row(claimed.transactionId)).toMatchObject({ status: 'pending', attempts: 0 });
        expect(await a.findUnionId(claimed.openid)).toBeNull();

        await a.insertIfAbsent(newPayment(2));
        expect(await a.markResolved(newPayment(2).transactionId, 'A', 'oUNION-x', T0)).toBe(false);

        expect(await a.markResolved(claimed.transactionId, 'A', 'oUNION-1', T0)).toBe(true);
        expect(await a.markResolved(claimed.transactionId, 'A', 'oUNION-2', T0)).toBe(false);
        expect(await a.findUnionId(claimed.openid)).toBe('oUNION-1');
      });

      it('overwrites the unionid of an openid seen before', async () => {
        const first = await insertAndClaim(1);
        await a.markResolved(first.transactionId, 'A', 'oUNION-old', T0);
        const second = newPayment(2, { openid: first.openid });
        await a.insertIfAbsent(second);
        await a.claimOne(second.transactionId, 'A', T0, LEASE_MS);
        expect(await a.markResolved(second.transactionId, 'A', 'oUNION-new', T0 + 1)).toBe(true);
        expect(await b.findUnionId(first.openid)).toBe('oUNION-new');
      });

      it('runs many resolutions at once on one connection', async () => {
        const ids: string[] = [];
        for (let n = 1; n <= 10; n++) ids.push((await insertAndClaim(n)).transactionId);
        const results = await Promise.all([
          ...ids.map((id, i) => a.markResolved(id, 'A', `oUNION-${i}`, T0 + 1)),
          a.insertIfAbsent(newPayment(11)),
          a.countByStatus(),
        ]);
        expect(results.slice(0, 10)).toEqual(Array(10).fill(true));
        expect(await a.countByStatus()).toEqual({ pending: 1, resolved: 10, failed: 0 });
        expect(await dsA.getRepository(UnionId).count()).toBe(10);
      });
    });

    describe('markFailed, scheduleRetry, releaseLease', () => {
      it('markFailed records the error terminally, only for the owner', async () => {
        const { transactionId } = await insertAndClaim(1);
        expect(await b.markFailed(transactionId, 'B', 40003, 'invalid openid', T0 + 1)).toBe(false);
        expect(await a.markFailed(transactionId, 'A', 40003, 'invalid openid', T0 + 1)).toBe(true);
        expect(await row(transactionId)).toMatchObject({
          status: 'failed',
          lastErrcode: 40003,
          lastErrmsg: 'invalid openid',
          attempts: 1,
          leaseOwner: null,
          leaseUntilMs: null,
          unionid: null,
          resolvedAtMs: null,
          updatedAtMs: T0 + 1,
        });
        expect(await b.claimDue('B', T0 + PAYMENT_WINDOW_MS, LEASE_MS, 10)).toEqual([]);
        expect(await a.scheduleRetry(transactionId, 'A', T0, -1, 'busy', T0)).toBe(false);
      });

      it('markFailed accepts a null errcode (transport error)', async () => {
        const { transactionId } = await insertAndClaim(1);
        expect(await a.markFailed(transactionId, 'A', null, 'socket hang up', T0 + 1)).toBe(true);
        expect(await row(transactionId)).toMatchObject({ lastErrcode: null, status: 'failed' });
      });

      it('scheduleRetry counts the attempt, keeps the error and makes the row due later', async () => {
        const { transactionId } = await insertAndClaim(1);
        const retryAt = T0 + 2_000;
        expect(await b.scheduleRetry(transactionId, 'B', retryAt, -1, 'system busy', T0)).toBe(
          false,
        );
        expect(await a.scheduleRetry(transactionId, 'A', retryAt, -1, 'system busy', T0 + 1)).toBe(
          true,
        );
        expect(await row(transactionId)).toMatchObject({
          status: 'pending',
          attempts: 1,
          lastErrcode: -1,
          lastErrmsg: 'system busy',
          nextAttemptAtMs: retryAt,
          leaseOwner: null,
          leaseUntilMs: null,
          updatedAtMs: T0 + 1,
        });
        expect(await b.claimDue('B', retryAt - 1, LEASE_MS, 10)).toEqual([]);
        const again = await b.claimDue('B', retryAt, LEASE_MS, 10);
        expect(again).toHaveLength(1);
        expect(again[0]).toMatchObject({ attempts: 1, leaseOwner: 'B' });
      });

      it('releaseLease hands the row back without counting an attempt', async () => {
        const { transactionId } = await insertAndClaim(1);
        expect(await b.releaseLease(transactionId, 'B')).toBe(false);
        expect(await a.releaseLease(transactionId, 'A')).toBe(true);
        expect(await row(transactionId)).toMatchObject({
          status: 'pending',
          attempts: 0,
          leaseOwner: null,
          leaseUntilMs: null,
          nextAttemptAtMs: T0,
        });
        expect(await a.releaseLease(transactionId, 'A')).toBe(false);
        const taken = await b.claimDue('B', T0 + 1, LEASE_MS, 10);
        expect(taken.map((p) => p.transactionId)).toEqual([transactionId]);
      });
    });

    describe('expireOverdue', () => {
      it('fails pending rows past their deadline, keeps last_errcode and touches nothing else', async () => {
        const deadline = newPayment(1).successTimeMs + PAYMENT_WINDOW_MS;
        const retried = await insertAndClaim(1);
        await a.scheduleRetry(retried.transactionId, 'A', T0 + 1_000, -1, 'system busy', T0);
        const neverTried = newPayment(2);
        await a.insertIfAbsent(neverTried);
        const leased = await insertAndClaim(3, b, 'B');
        const resolved = await insertAndClaim(4);
        await a.markResolved(resolved.transactionId, 'A', 'oUNION-4', T0);
        const later = newPayment(5, { successTimeMs: T0 });
        await a.insertIfAbsent(later);

        expect(await a.expireOverdue(deadline - 1)).toBe(0);
        expect(await a.expireOverdue(deadline)).toBe(3);

        expect(await row(retried.transactionId)).toMatchObject({
          status: 'failed',
          lastErrcode: -1,
          lastErrmsg: `${PAYMENT_WINDOW_EXPIRED_ERRMSG} (last error: system busy)`,
          attempts: 1,
          updatedAtMs: deadline,
        });
        expect(await row(neverTried.transactionId)).toMatchObject({
          status: 'failed',
          lastErrcode: null,
          lastErrmsg: PAYMENT_WINDOW_EXPIRED_ERRMSG,
        });
        expect(await row(leased.transactionId)).toMatchObject({
          status: 'failed',
          leaseOwner: null,
          leaseUntilMs: null,
        });
        expect(await b.markResolved(leased.transactionId, 'B', 'oUNION-3', deadline)).toBe(false);
        expect(await row(resolved.transactionId)).toMatchObject({ status: 'resolved' });
        expect(await row(later.transactionId)).toMatchObject({ status: 'pending' });
        expect(await b.expireOverdue(deadline)).toBe(0);
      });
    });

    describe('event delivery (onResolved / onFailed outbox)', () => {
      const terminal = async () => {
        const resolved = await insertAndClaim(1);
        await a.markResolved(resolved.transactionId, 'A', 'oUNION-1', T0 + 10);
        const failed = await insertAndClaim(2);
        await a.markFailed(failed.transactionId, 'A', 40003, 'invalid openid', T0 + 20);
        await insertAndClaim(3); // still pending: no event yet
        return { resolved, failed };
      };

      it('leases each terminal, undelivered row to one owner, oldest first', async () => {
        const { resolved, failed } = await terminal();
        const [first, second] = await Promise.all([
          a.claimUndeliveredEvents('A', T0 + 100, LEASE_MS, 10),
          b.claimUndeliveredEvents('B', T0 + 100, LEASE_MS, 10),
        ]);
        const won = [...first, ...second].map((p) => p.transactionId).sort();
        expect(won).toEqual([resolved.transactionId, failed.transactionId].sort());
        expect(await a.claimUndeliveredEvents('A', T0 + 100, LEASE_MS, 10)).toEqual([]);
        // A lease that ran out lets another owner deliver it again.
        const again = await b.claimUndeliveredEvents('B', T0 + 100 + LEASE_MS + 1, LEASE_MS, 1);
        expect(again.map((p) => p.transactionId)).toEqual([resolved.transactionId]);
      });

      it('never hands out a delivered event again', async () => {
        const { resolved } = await terminal();
        const [claimed] = await a.claimUndeliveredEvents('A', T0 + 100, LEASE_MS, 1);
        expect(await b.markEventDelivered(claimed.transactionId, 'B', T0 + 101)).toBe(false);
        expect(await a.markEventDelivered(resolved.transactionId, 'A', T0 + 101)).toBe(true);
        expect(await row(resolved.transactionId)).toMatchObject({
          eventDeliveredAtMs: T0 + 101,
          leaseOwner: null,
        });
        const later = await a.claimUndeliveredEvents('A', T0 + 10 * LEASE_MS, LEASE_MS, 10);
        expect(later.map((p) => p.transactionId)).not.toContain(resolved.transactionId);
      });

      it('redelivers a failed delivery from its next time, counting the failures', async () => {
        const { resolved } = await terminal();
        await a.claimUndeliveredEvents('A', T0 + 100, LEASE_MS, 1);
        expect(await a.scheduleEventRedelivery(resolved.transactionId, 'A', T0 + 5_000)).toBe(true);
        expect(await row(resolved.transactionId)).toMatchObject({
          eventAttempts: 1,
          eventNextAtMs: T0 + 5_000,
          leaseOwner: null,
        });
        const early = await b.claimUndeliveredEvents('B', T0 + 4_999, LEASE_MS, 10);
        expect(early.map((p) => p.transactionId)).not.toContain(resolved.transactionId);
        const due = await b.claimUndeliveredEvents('B', T0 + 5_000, LEASE_MS, 10);
        expect(due.map((p) => p.transactionId)).toContain(resolved.transactionId);
      });
    });

    describe('reads', () => {
      it('findByTransactionId and findUnionId return null when unknown', async () => {
        expect(await a.findByTransactionId('nope')).toBeNull();
        expect(await a.findUnionId('nope')).toBeNull();
      });

      it('countByStatus counts every status, zero included', async () => {
        expect(await a.countByStatus()).toEqual({ pending: 0, resolved: 0, failed: 0 });
        const one = await insertAndClaim(1);
        await a.markResolved(one.transactionId, 'A', 'oUNION-1', T0);
        const two = await insertAndClaim(2);
        await a.markFailed(two.transactionId, 'A', 89002, 'no unionid', T0);
        await a.insertIfAbsent(newPayment(3));
        await a.insertIfAbsent(newPayment(4));
        expect(await b.countByStatus()).toEqual({ pending: 2, resolved: 1, failed: 1 });
      });

      it('pendingWithoutLease lists pending rows with no live lease, due or not', async () => {
        await a.insertIfAbsent(newPayment(1, { createdAtMs: T0 + 9_000 }));
        await a.insertIfAbsent(newPayment(2));
        await insertAndClaim(3);
        const done = await insertAndClaim(4);
        await a.markResolved(done.transactionId, 'A', 'oUNION-4', T0);

        const listed = await b.pendingWithoutLease(T0 + 1);
        expect(listed.map((p) => p.transactionId)).toEqual([
          newPayment(2).transactionId,
          newPayment(1).transactionId,
        ]);
        expect(await b.pendingWithoutLease(T0 + 1, 1)).toHaveLength(1);
        // Once the lease has run out, the leased row is listed as well.
        expect(await b.pendingWithoutLease(T0 + LEASE_MS + 1)).toHaveLength(3);
      });

      it('ping answers while connected and fails once the connection is closed', async () => {
        await expect(a.ping()).resolves.toBeUndefined();
        const closed = await new DataSource(target.dataSourceOptions()).initialize();
        await closed.destroy();
        await expect(createStore(closed).ping()).rejects.toThrow();
      });
    });
  });
}
