import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePaidUnionIdStore } from './testing';
import { createTypeOrmOptions } from './typeorm-options.factory';

describePaidUnionIdStore('SQLite (better-sqlite3)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'payment-notify-repo-'));
  const path = join(dir, 'db', 'payments.sqlite');
  return {
    dataSourceOptions: () => createTypeOrmOptions({ database: { type: 'sqlite', path } }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
