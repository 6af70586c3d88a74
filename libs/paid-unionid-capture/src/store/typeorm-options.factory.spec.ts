import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { createTypeOrmOptions } from './typeorm-options.factory';

describe('createTypeOrmOptions', () => {
  let dir: string;
  let dataSource: DataSource | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payment-notify-options-'));
  });
  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens SQLite in a new directory with WAL, synchronous=FULL and busy_timeout=5000', async () => {
    const path = join(dir, 'nested', 'deeper', 'payments.sqlite');
    const options = createTypeOrmOptions({ database: { type: 'sqlite', path } });
    expect(existsSync(join(dir, 'nested', 'deeper'))).toBe(true);
    expect(options).toMatchObject({
      type: 'better-sqlite3',
      database: path,
      synchronize: false,
      migrationsRun: true,
      migrations: PAYMENTS_MIGRATIONS,
    });

    dataSource = await new DataSource(options).initialize();
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    expect(await dataSource.query('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
    expect(existsSync(path)).toBe(true);
  });

  it('builds PostgreSQL options from the URL, with the same migrations and no synchronize', () => {
    const url = 'postgres://app:secret@db.internal:5432/payments';
    expect(createTypeOrmOptions({ database: { type: 'postgres', url } })).toMatchObject({
      type: 'postgres',
      url,
      synchronize: false,
      migrationsRun: true,
      migrations: PAYMENTS_MIGRATIONS,
    });
  });
});
