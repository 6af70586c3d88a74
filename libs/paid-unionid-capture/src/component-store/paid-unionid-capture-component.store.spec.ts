import { WechatComponentStoreError, type StoredAuthorizer } from '@app/wechat-auth';
import { describeWechatComponentStore } from '@app/wechat-auth/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { requireService } from '../../../../test/infra/test-databases';
import { createCaptureDataSource } from '../store/capture-data-source.factory';
import { createPaidUnionIdStore } from '../store/create-paid-unionid.store';
import { newPayment } from '../store/testing';
import { createTypeOrmOptions } from '../store/typeorm-options.factory';
import { PaidUnionIdCaptureComponentStore } from './paid-unionid-capture-component.store';

const pgUrl = requireService('TEST_PG_URL');

const PLATFORM = 'wxcomponent00000001';
const TICKET = { ticket: 'ticket@@secret-0123456789abcdef', createdAt: 1_795_785_381_833 };
const AUTHORIZER: StoredAuthorizer = {
  authorizerAppId: 'wxauthorizer0000001',
  refreshToken: 'refreshtoken@@secret-0123456789abcdef',
  funcIds: [18],
  updatedAt: 1_795_785_381_833,
};
const SECRETS = [TICKET.ticket, AUTHORIZER.refreshToken!];

/** An empty database: options for connections to it (migrations run) and its removal. */
interface Database {
  options(): DataSourceOptions;
  cleanup(): Promise<void>;
}

function sqliteDatabase(): Database {
  const dir = mkdtempSync(join(tmpdir(), 'capture-component-store-'));
  const path = join(dir, 'capture.sqlite');
  return {
    options: () => createTypeOrmOptions({ database: { type: 'sqlite', path } }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh schema on TEST_PG_URL. */
async function postgresDatabase(url: string): Promise<Database> {
  const schema = `capture_component_test_${randomBytes(6).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url }).initialize();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const base = createTypeOrmOptions({ database: { type: 'postgres', url } });
  return {
    options: () => ({ ...base, schema }) as DataSourceOptions,
    cleanup: async () => {
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.destroy();
    },
  };
}

const targets: [string, () => Promise<Database>][] = [
  ['SQLite (better-sqlite3)', async () => sqliteDatabase()],
  ...(pgUrl
    ? [['PostgreSQL', () => postgresDatabase(pgUrl)] as [string, () => Promise<Database>]]
    : []),
];
if (!pgUrl) {
  describe.skip('PaidUnionIdCaptureComponentStore on PostgreSQL', () => {
    it('needs TEST_PG_URL', () => undefined);
  });
}

for (const [label, createDatabase] of targets) {
  // Two connections on one database stand for two instances.
  describeWechatComponentStore(`PaidUnionIdCaptureComponentStore on ${label}`, async () => {
    const database = await createDatabase();
    const a = await createCaptureDataSource(database.options());
    const b = await createCaptureDataSource(database.options());
    return {
      store: new PaidUnionIdCaptureComponentStore(a),
      peer: new PaidUnionIdCaptureComponentStore(b),
      cleanup: async () => {
        await a.destroy();
        await b.destroy();
        await database.cleanup();
      },
    };
  });

  describe(`PaidUnionIdCaptureComponentStore on ${label}`, () => {
    let database: Database;
    let dataSource: DataSource;
    let store: PaidUnionIdCaptureComponentStore;

    beforeAll(async () => {
      database = await createDatabase();
      dataSource = await createCaptureDataSource(database.options());
      store = new PaidUnionIdCaptureComponentStore(dataSource);
    });

    afterAll(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database?.cleanup();
    });

    it('the migrations create both tables with their keys and nullable columns', async () => {
      const queryRunner = dataSource.createQueryRunner();
      try {
        const tickets = await queryRunner.getTable('paid_unionid_component_tickets');
        const authorizers = await queryRunner.getTable('paid_unionid_component_authorizers');
        expect(tickets?.columns.map((c) => c.name).sort()).toEqual(
          ['component_app_id', 'created_at_ms', 'ticket'].sort(),
        );
        expect(tickets?.primaryColumns.map((c) => c.name)).toEqual(['component_app_id']);
        expect(tickets?.columns.filter((c) => c.isNullable)).toEqual([]);
        expect(authorizers?.columns.map((c) => c.name).sort()).toEqual(
          [
            'authorizer_app_id',
            'component_app_id',
            'func_ids',
            'refresh_token',
            'revoked_at_ms',
            'updated_at_ms',
          ].sort(),
        );
        expect(authorizers?.primaryColumns.map((c) => c.name).sort()).toEqual([
          'authorizer_app_id',
          'component_app_id',
        ]);
        expect(
          authorizers?.columns
            .filter((c) => c.isNullable)
            .map((c) => c.name)
            .sort(),
        ).toEqual(['func_ids', 'refresh_token', 'revoked_at_ms']);
        expect(await dataSource.showMigrations()).toBe(false);
      } finally {
        await queryRunner.release();
      }
    });

    it('stores func_ids as a JSON array and a revoked record with a NULL refresh token', async () => {
      const platform = `wx${randomBytes(8).toString('hex')}`;
      await store.saveAuthorizer(platform, AUTHORIZER);
      await store.saveAuthorizer(platform, {
        authorizerAppId: 'wxrevoked',
        revokedAt: 5,
        updatedAt: 5,
      });
      const { schema } = dataSource.options as { schema?: string };
      const table = `${schema ? `"${schema}".` : ''}paid_unionid_component_authorizers`;
      const rows = await dataSource.query(
        `SELECT authorizer_app_id, refresh_token, func_ids, revoked_at_ms FROM ${table}
         WHERE component_app_id = ${schema ? '$1' : '?'} ORDER BY authorizer_app_id`,
        [platform],
      );
      expect(rows).toEqual([
        {
          authorizer_app_id: 'wxauthorizer0000001',
          refresh_token: AUTHORIZER.refreshToken,
          func_ids: '[18]',
          revoked_at_ms: null,
        },
        {
          authorizer_app_id: 'wxrevoked',
          refresh_token: null,
          func_ids: null,
          revoked_at_ms: expect.anything(),
        },
      ]);
    });

    it('shares the connection with the payments store: interleaved writes all commit', async () => {
      const payments = createPaidUnionIdStore(dataSource);
      const platform = `wx${randomBytes(8).toString('hex')}`;
      const base = 1_795_785_381_833 + Math.floor(Math.random() * 1e6) * 1000;
      const work = Array.from({ length: 30 }, (_, i) => [
        payments.insertIfAbsent(
          newPayment(i, {
            transactionId: `${base}${String(i).padStart(4, '0')}`,
            notificationId: `EV-${platform}-${i}`,
          }),
        ),
        store.saveTicket(platform, { ticket: `t-${i}`, createdAt: i }),
        store.saveAuthorizer(platform, { ...AUTHORIZER, updatedAt: i }),
        payments.countByStatus(),
      ]).flat();
      await Promise.all(work);
      await expect(store.getTicket(platform)).resolves.toEqual({ ticket: 't-29', createdAt: 29 });
      await expect(store.getAuthorizer(platform, AUTHORIZER.authorizerAppId)).resolves.toEqual({
        ...AUTHORIZER,
        updatedAt: 29,
      });
    });

    it('a database failure rejects with a WechatComponentStoreError naming no secret', async () => {
      const closed = await createCaptureDataSource(database.options());
      const broken = new PaidUnionIdCaptureComponentStore(closed);
      await broken.getTicket(PLATFORM);
      await closed.destroy();
      await expectEveryCallRejects(broken);
    });
  });
}

describe('PaidUnionIdCaptureComponentStore before its DataSource', () => {
  it('waits for a DataSource given as a promise', async () => {
    const database = sqliteDatabase();
    let open!: (dataSource: DataSource) => void;
    const store = new PaidUnionIdCaptureComponentStore(
      new Promise<DataSource>((resolve) => (open = resolve)),
    );
    const saving = store.saveTicket(PLATFORM, TICKET);
    const dataSource = await createCaptureDataSource(database.options());
    try {
      open(dataSource);
      await expect(saving).resolves.toBe(true);
      await expect(store.getTicket(PLATFORM)).resolves.toEqual(TICKET);
    } finally {
      await dataSource.destroy();
      await database.cleanup();
    }
  });

  it('rejects every call when the DataSource could not be opened', async () => {
    const failure = new Error('connect ECONNREFUSED for postgres://app:pw@db/x');
    await expectEveryCallRejects(new PaidUnionIdCaptureComponentStore(Promise.reject(failure)));
  });

  it('rejects every call for a driver other than better-sqlite3 and postgres', async () => {
    const mysql = { options: { type: 'mysql' } } as unknown as DataSource;
    const error = await new PaidUnionIdCaptureComponentStore(mysql)
      .getTicket(PLATFORM)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatComponentStoreError);
    expect((error as Error).message).toMatch(/supports better-sqlite3 and postgres/);
  });
});

/** Every method rejects with a retryable WechatComponentStoreError naming neither secret. */
async function expectEveryCallRejects(store: PaidUnionIdCaptureComponentStore): Promise<void> {
  const results = await Promise.allSettled([
    store.saveTicket(PLATFORM, TICKET),
    store.saveAuthorizer(PLATFORM, AUTHORIZER),
    store.getTicket(PLATFORM),
    store.getAuthorizer(PLATFORM, AUTHORIZER.authorizerAppId),
  ]);
  const operations = ['saveTicket', 'saveAuthorizer', 'getTicket', 'getAuthorizer'];
  results.forEach((result, i) => {
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as WechatComponentStoreError;
    expect(error).toBeInstanceOf(WechatComponentStoreError);
    expect(error.operation).toBe(operations[i]);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBeUndefined();
    expect(error.message).not.toContain('app:pw');
    for (const secret of SECRETS) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });
}
