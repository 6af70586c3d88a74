import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { appConfig, validateEnvironment } from '../config';
import { createEnvFiles, type EnvFiles } from '../config/testing';
import { PaymentsDatabaseModule } from './payments-database.module';
import { PaymentsModule } from './payments.module';
import { PaymentsRepository } from './payments.repository';
import { newPayment } from './testing';

describe('PaymentsModule wired with ConfigModule and TypeOrmModule', () => {
  let files: EnvFiles;
  let dir: string;
  let savedEnv: NodeJS.ProcessEnv;
  let moduleRef: TestingModule | undefined;

  beforeAll(() => {
    files = createEnvFiles();
  });
  afterAll(() => files.remove());

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payment-notify-module-'));
    savedEnv = process.env;
    process.env = {
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: 'app-secret',
      WECHATPAY_MCHID: '1900000109',
      WECHATPAY_APIV3_KEY: 'k'.repeat(32),
      WECHATPAY_PLATFORM_CERT_FILE: files.certificateFile,
      DATABASE_URL: `sqlite:${join(dir, 'data', 'payments.sqlite')}`,
    };
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    process.env = savedEnv;
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates the database named by DATABASE_URL and serves the repository', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: validateEnvironment,
          load: [appConfig],
        }),
        PaymentsDatabaseModule.forRoot(),
        PaymentsModule,
      ],
    }).compile();
    await moduleRef.init();

    const payments = moduleRef.get(PaymentsRepository);
    await expect(payments.ping()).resolves.toBeUndefined();
    expect(await payments.insertIfAbsent(newPayment(1))).toBe(true);
    expect(await payments.countByStatus()).toEqual({ pending: 1, resolved: 0, failed: 0 });
  });
});
