import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config';
import { Payment, UnionId } from './entities';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { SQLITE_PRAGMAS } from './payments.constants';

/**
 * TypeORM options for the payments store, from `config.database`: SQLite through
 * `better-sqlite3` (WAL, synchronous=FULL, busy_timeout=5000) or PostgreSQL through `pg`.
 * The schema comes only from the migrations, which run at start-up (`migrationsRun`).
 * For SQLite the file's directory is created here.
 *
 * Use with `TypeOrmModule.forRootAsync({ inject: [appConfig.KEY], useFactory: createTypeOrmOptions,
 * dataSourceFactory: createPaymentsDataSource })` (the factory locks the migrations on PostgreSQL),
 * or as `new DataSource(createTypeOrmOptions(config))`.
 */
export function createTypeOrmOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  const common = {
    entities: [Payment, UnionId],
    migrations: PAYMENTS_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
  };
  const { database } = config;
  if (database.type === 'sqlite') {
    mkdirSync(dirname(database.path), { recursive: true });
    return {
      type: 'better-sqlite3',
      database: database.path,
      prepareDatabase: applySqlitePragmas,
      ...common,
    };
  }
  return {
    type: 'postgres',
    url: database.url,
    applicationName: 'payment-notify',
    ...common,
  };
}

/** Sets {@link SQLITE_PRAGMAS} on a fresh connection. */
export function applySqlitePragmas(db: BetterSqlite3.Database): void {
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
}
