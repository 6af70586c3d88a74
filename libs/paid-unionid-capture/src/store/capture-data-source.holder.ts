import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PaidUnionIdCaptureConfigError } from '../errors/paid-unionid-capture-config.error';
import { createCaptureDataSource } from './capture-data-source.factory';
import { parseDatabaseUrl, isInMemorySqliteUrl } from './database-url.parser';
import { Payment, UnionId } from './entities';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { MIGRATIONS_TABLE } from './store.constants';
import { applySqlitePragmas, createTypeOrmOptions } from './typeorm-options.factory';

/** The options of `database` turned into the module's own connection options. */
function optionsFor(database: string | DataSource): DataSourceOptions {
  if (typeof database !== 'string') {
    // The application's DataSource: same database, our own connection with only our entities
    // and migrations (in their own table), so neither side sees the other's schema.
    const base = database.options;
    return {
      ...base,
      entities: [Payment, UnionId],
      migrations: PAYMENTS_MIGRATIONS,
      migrationsTableName: MIGRATIONS_TABLE,
      migrationsRun: true,
      synchronize: false,
      subscribers: [],
      ...(base.type === 'better-sqlite3' && { prepareDatabase: applySqlitePragmas }),
    } as DataSourceOptions;
  }
  const parsed = parseDatabaseUrl(database);
  if (!parsed) {
    throw new PaidUnionIdCaptureConfigError([
      isInMemorySqliteUrl(database)
        ? 'database must name a file: an in-memory SQLite database loses every payment at restart'
        : 'database must be sqlite:PATH, a postgres:// URL or a TypeORM DataSource',
    ]);
  }
  return createTypeOrmOptions({ database: parsed });
}

/** The module's connection: opened (migrations run) at start-up, closed at shutdown. */
export class CaptureDataSourceHolder implements OnApplicationShutdown {
  private constructor(readonly dataSource: DataSource) {}

  static async open(database: string | DataSource): Promise<CaptureDataSourceHolder> {
    return new CaptureDataSourceHolder(await createCaptureDataSource(optionsFor(database)));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
