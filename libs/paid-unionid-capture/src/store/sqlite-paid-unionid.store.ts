import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { Payment } from './entities';
import type { NewPayment } from './interfaces';
import { SqlitePaidUnionIdStatements } from './sqlite-paid-unionid.statements';
import { TypeOrmPaidUnionIdStore } from './typeorm-paid-unionid.store';
import { sqliteQueueOf, SqliteGroupCommit, type SerialQueue } from './utils';

/** The prepared statements and the group commit of the DataSource's connection. */
interface SqliteConnection {
  statements: SqlitePaidUnionIdStatements;
  group: SqliteGroupCommit;
}

/**
 * The store on SQLite (better-sqlite3): the hot path (store, claim, resolve) on prepared
 * statements with group commit, the rest through TypeORM.
 *
 * better-sqlite3 gives TypeORM a single connection: an open transaction would absorb any
 * statement issued meanwhile, and a second BEGIN would fail. So this process runs its
 * operations one at a time. The hot-path writes of one event-loop turn share one transaction
 * (one fsync under `synchronous=FULL`); each resolves once its transaction committed.
 *
 * @publicApi
 */
export class SqlitePaidUnionIdStore extends TypeOrmPaidUnionIdStore {
  /** Shared with the other stores on this connection (`PaidUnionIdCaptureComponentStore`). */
  private readonly queue: SerialQueue;
  private connected?: SqliteConnection;

  /** @param dataSource a better-sqlite3 DataSource with the module's migrations run. */
  constructor(dataSource: DataSource) {
    super(dataSource);
    this.queue = sqliteQueueOf(dataSource);
  }

  /** Prepared on first use, once connected. */
  private get statements(): SqlitePaidUnionIdStatements {
    return this.connection.statements;
  }

  private get connection(): SqliteConnection {
    if (!this.connected) {
      const { databaseConnection } = this.dataSource.driver as unknown as {
        databaseConnection: Database;
      };
      this.connected = {
        statements: new SqlitePaidUnionIdStatements(databaseConnection),
        group: new SqliteGroupCommit(databaseConnection, this.queue),
      };
    }
    return this.connected;
  }

  override insertIfAbsent(payment: NewPayment): Promise<boolean> {
    return this.grouped((s) => s.insertIfAbsent(payment));
  }

  override insertLeased(
    payment: NewPayment,
    owner: string,
    leaseMs: number,
  ): Promise<Payment | null> {
    return this.grouped((s) => s.insertLeased(payment, owner, leaseMs));
  }

  /**
   * The poller's and the freed slots' claims, prepared and in this turn's group transaction
   * (one commit with the turn's other writes, not one per leased row).
   */
  override claimDue(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<Payment[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.grouped((s) => s.claimDue(owner, now, leaseMs, limit));
  }

  override claimOne(
    transactionId: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<Payment | null> {
    return this.grouped((s) => s.claim(transactionId, owner, now, leaseMs, false));
  }

  override markResolved(
    transactionId: string,
    owner: string,
    unionid: string,
    now: number,
  ): Promise<boolean> {
    return this.grouped((s) => s.markResolved(transactionId, owner, unionid, now));
  }

  protected override run<T>(job: () => Promise<T>): Promise<T> {
    return this.queue.run(job);
  }

  /** A hot-path write in this turn's group transaction; settles after its commit. */
  private async grouped<T>(write: (statements: SqlitePaidUnionIdStatements) => T): Promise<T> {
    const { statements, group } = this.connection;
    return group.submit(() => write(statements));
  }
}
