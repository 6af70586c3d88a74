import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { appConfig } from './app.config';
import { validateEnvironment } from './env.validation';
import { InvalidEnvironmentError } from './errors';
import { InjectAppConfig } from './inject-app-config.decorator';
import type { AppConfig } from './interfaces';
import { createEnvFiles, type EnvFiles } from './testing';

@Injectable()
class NeedsConfig {
  constructor(@InjectAppConfig() readonly config: AppConfig) {}
}

@Module({ providers: [NeedsConfig] })
class FeatureModule {}

const configModule = () =>
  ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    validate: validateEnvironment,
    load: [appConfig],
  });

describe('appConfig with ConfigModule', () => {
  let files: EnvFiles;
  let savedEnv: NodeJS.ProcessEnv;
  let moduleRef: TestingModule | undefined;

  beforeAll(() => {
    files = createEnvFiles();
  });
  afterAll(() => files.remove());

  beforeEach(() => {
    savedEnv = process.env;
    process.env = {
      PATH: savedEnv.PATH,
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: 'app-secret',
      WECHATPAY_MCHID: '1900000109',
      WECHATPAY_APIV3_KEY: 'k'.repeat(32),
      WECHATPAY_PLATFORM_CERT_FILE: files.certificateFile,
      LOOKUP_CONCURRENCY: '3',
    };
  });

  afterEach(async () => {
    process.env = savedEnv;
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('injects the typed config and exposes the namespace through ConfigService', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [configModule(), FeatureModule],
    }).compile();

    const { config } = moduleRef.get(NeedsConfig);
    expect(config.lookup).toEqual({
      selector: 'transaction_id',
      concurrency: 3,
      sliceMs: 20_000,
      pollMs: 500,
      rateLimit: 0,
    });
    expect(config.wechatPay.platformCertificates).toContain('BEGIN CERTIFICATE');
    expect(moduleRef.get(ConfigService).get<AppConfig>('app')).toBe(config);
    expect(moduleRef.get(appConfig.KEY)).toBe(config);
  });

  it('stops start-up with the one-line error when a variable is missing', async () => {
    delete process.env.WECHATPAY_MCHID;
    await expect(configModule()).rejects.toThrow(
      new InvalidEnvironmentError(['WECHATPAY_MCHID is required']),
    );
  });
});
