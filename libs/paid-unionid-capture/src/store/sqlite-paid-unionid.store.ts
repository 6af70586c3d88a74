import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { Payment } from './entities';
import type { NewPayment } from './interfaces';
import { SqlitePaidUnionIdStatements } from './sqlite-paid-unionid.statements';
import { TypeOrmPaidUnionIdStore } from './typeorm-paid-unionid.store';
import { SerialQueue } from './utils';

/**
 * The store on SQLite (better-sqlite3): the hot path (store, claim, resolve) on prepared
 * statements, the rest through TypeORM.
 *
 * better-sqlite3 gives TypeORM a single connection: an open transaction would absorb any
 * statement issued meanwhile, and a second BEGIN would fail. So this process runs its
 * operations one at a time.
 *
 * @publicApi
 */
export class SqlitePaidUnionIdStore extends TypeOrmPaidUnionIdStore {
  private readonly queue = new SerialQueue();
  private prepared?: SqlitePaidUnionIdStatements;

  /** @param dataSource a better-sqlite3 DataSource with the module's migrations run. */
  constructor(dataSource: DataSource) {
    super(dataSource);
  }

  /** Prepared on first use, once connected. */
  private get statements(): SqlitePaidUnionIdStatements {
    if (!this.prepared) {
      const { databaseConnection } = this.dataSource.driver as unknown as {
        databaseConnection: Database;
      };
      this.prepared = new SqlitePaidUnionIdStatements(databaseConnection);
    }
    return this.prepared;
  }

  override insertIfAbsent(payment: NewPayment): Promise<boolean> {
    return this.run(async () => this.statements.insertIfAbsent(payment));
  }

  override markResolved(
    transactionId: string,
    owner: string,
    unionid: string,
    now: number,
  ): Promise<boolean> {
    return this.run(async () => this.statements.markResolved(transactionId, owner, unionid, now));
  }

  protected override run<T>(job: () => Promise<T>): Promise<T> {
    return this.queue.run(job);
  }

  protected override async lease(
    transactionId: string,
    owner: string,
    now: number,
    leaseMs: number,
    dueOnly: boolean,
  ): Promise<Payment | null> {
    return this.statements.claim(transactionId, owner, now, leaseMs, dueOnly);
  }
}
