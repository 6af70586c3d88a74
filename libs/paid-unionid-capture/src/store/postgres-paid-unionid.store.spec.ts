import { randomBytes } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { createCaptureDataSource } from './capture-data-source.factory';
import { describePaidUnionIdStore } from './testing';
import { createTypeOrmOptions } from './typeorm-options.factory';

import { requireService } from '../../../../test/infra/test-databases';

const pgUrl = requireService('TEST_PG_URL');

/** A fresh schema on TEST_PG_URL, so that it may name a shared database. */
async function createSchema(url: string) {
  const schema = `payment_notify_test_${randomBytes(6).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url }).initialize();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const base = createTypeOrmOptions({ database: { type: 'postgres', url } });
  if (base.type !== 'postgres') throw new Error('expected PostgreSQL options');
  return {
    schema,
    dataSourceOptions: (): DataSourceOptions => ({ ...base, schema }),
    cleanup: async () => {
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.destroy();
    },
  };
}

if (pgUrl) {
  describePaidUnionIdStore('PostgreSQL', () => createSchema(pgUrl));

  describe('createCaptureDataSource on PostgreSQL', () => {
    it('lets several processes start together on an empty database', async () => {
      const target = await createSchema(pgUrl);
      const started = await Promise.allSettled(
        [1, 2, 3, 4].map(() => createCaptureDataSource(target.dataSourceOptions())),
      );
      try {
        expect(started.map((result) => result.status)).toEqual(Array(4).fill('fulfilled'));
        const first = (started[0] as PromiseFulfilledResult<DataSource>).value;
        expect(await first.showMigrations()).toBe(false);
        const applied = await first.query(
          `SELECT count(*)::int AS n FROM "${target.schema}"."paid_unionid_migrations"`,
        );
        expect(applied).toEqual([{ n: PAYMENTS_MIGRATIONS.length }]);
      } finally {
        for (const result of started)
          if (result.status === 'fulfilled') await result.value.destroy();
        await target.cleanup();
      }
    });
  });
} else {
  describe.skip('PaidUnionIdStore on PostgreSQL', () => {
    it('needs TEST_PG_URL', () => undefined);
  });
}
