import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePaymentsRepository } from './testing';
import { createTypeOrmOptions } from './typeorm-options.factory';

describePaymentsRepository('SQLite (better-sqlite3)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'payment-notify-repo-'));
  const path = join(dir, 'db', 'payments.sqlite');
  return {
    dataSourceOptions: () => createTypeOrmOptions({ database: { type: 'sqlite', path } }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
