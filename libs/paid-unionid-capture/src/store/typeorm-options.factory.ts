import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { CaptureDatabaseConfig } from './database-url.parser';
import { Payment, UnionId } from './entities';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { MIGRATIONS_TABLE, SQLITE_PRAGMAS } from './store.constants';

/**
 * TypeORM options for the capture store, from `config.database`: SQLite through
 * `better-sqlite3` (WAL, synchronous=FULL, busy_timeout=5000) or PostgreSQL through `pg`.
 * The schema comes only from the migrations (`createCaptureDataSource` runs them, under a lock
 * on PostgreSQL), recorded in their own table. For SQLite the file's directory is created here.
 */
export function createTypeOrmOptions(config: {
  database: CaptureDatabaseConfig;
}): DataSourceOptions {
  const common = {
    entities: [Payment, UnionId],
    migrations: PAYMENTS_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
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
    applicationName: 'paid-unionid-capture',
    ...common,
  };
}

/** Sets {@link SQLITE_PRAGMAS} on a fresh connection. */
export function applySqlitePragmas(db: BetterSqlite3.Database): void {
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
}
