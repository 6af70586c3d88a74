import type { DataSource } from 'typeorm';
import type { PaidUnionIdStore } from './paid-unionid.store';
import { SqlitePaidUnionIdStore } from './sqlite-paid-unionid.store';
import { TypeOrmPaidUnionIdStore } from './typeorm-paid-unionid.store';

/** The store class for `dataSource`'s driver, chosen once: SQLite or PostgreSQL. */
export function createPaidUnionIdStore(dataSource: DataSource): PaidUnionIdStore {
  switch (dataSource.options.type) {
    case 'better-sqlite3':
      return new SqlitePaidUnionIdStore(dataSource);
    case 'postgres':
      return new TypeOrmPaidUnionIdStore(dataSource);
    default:
      throw new Error(
        `PaidUnionIdCaptureModule supports better-sqlite3 and postgres DataSources, not ${dataSource.options.type}`,
      );
  }
}
