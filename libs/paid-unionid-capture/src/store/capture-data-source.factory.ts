import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * Advisory-lock key that serialises migrations across processes sharing a PostgreSQL database
 * (any constant works as long as every process uses the same one).
 */
export const MIGRATIONS_ADVISORY_LOCK_KEY = 7_305_190_341;

/**
 * Opens a DataSource and, when `options.migrationsRun` is set, runs the pending migrations;
 * on PostgreSQL under an advisory lock. TypeORM's own `migrationsRun` has no lock: replicas
 * starting together on an empty database race and fail (`relation ... already exists`).
 *
 */
export async function createCaptureDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('createCaptureDataSource needs DataSource options');
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    if (options.migrationsRun) await runMigrationsExclusively(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations();
    return;
  }
  // The lock lives on its own pooled connection; the migrations run on others.
  const lockRunner = dataSource.createQueryRunner();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_ADVISORY_LOCK_KEY]);
    try {
      await dataSource.runMigrations();
    } finally {
      await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await lockRunner.release();
  }
}
