import { WechatSandbox } from '@app/wechat-sandbox';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  PAID_UNIONID_WINDOW_MS,
  PaidUnionIdService,
  WechatApiError,
  WechatAuthModule,
  WechatInvalidTradeError,
} from './index';

// The README's "Register it once" and "Look a payer up" examples, verbatim apart from the
// ConfigModule source (the sandbox's values instead of a .env file).

@Injectable()
export class PayerService {
  constructor(private readonly paidUnionId: PaidUnionIdService) {}

  async unionidOf(openid: string, transactionId: string, paidAt: number): Promise<string | null> {
    try {
      // Retries -1 / 5xx / timeouts with backoff until the payment's window closes.
      return await this.paidUnionId.getPaidUnionId(
        { openid, transactionId }, // or { openid, mchId, outTradeNo }
        { deadline: paidAt + PAID_UNIONID_WINDOW_MS },
      );
    } catch (error) {
      if (error instanceof WechatInvalidTradeError) return null; // 89300: too late or wrong pairing
      if (error instanceof WechatApiError) {
        console.warn(`getpaidunionid failed: ${error.errcode} ${error.errmsg}`);
      }
      throw error;
    }
  }
}

describe('README example', () => {
  const app = { appId: 'wx0123456789abcdef', secret: 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a' };
  let sandbox: WechatSandbox;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    sandbox = await WechatSandbox.start({ apps: [app] });
    const env = { WECHAT_APPID: app.appId, WECHAT_SECRET: app.secret, WECHAT_API: sandbox.url };

    @Module({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] }),
        // Every forRoot call is a separate token cache: import it once, globally.
        WechatAuthModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            appId: config.getOrThrow('WECHAT_APPID'),
            secret: config.getOrThrow('WECHAT_SECRET'),
            tokenMode: 'stable',
            apiBaseUrl: config.getOrThrow('WECHAT_API'),
          }),
        }),
      ],
      providers: [PayerService],
    })
    class AppModule {}

    moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  });
  afterAll(async () => {
    await moduleRef.close();
    await sandbox.stop();
  });

  it('resolves a fresh payment and answers null once the window has closed', async () => {
    const payer = moduleRef.get(PayerService);
    const payment = sandbox.registerPayment({ openid: 'o-readme' });
    await expect(
      payer.unionidOf(payment.openid, payment.transactionId, payment.paidAt),
    ).resolves.toBe(payment.unionid);
    sandbox.clock.advance(PAID_UNIONID_WINDOW_MS + 1);
    await expect(
      payer.unionidOf(payment.openid, payment.transactionId, Date.now()),
    ).resolves.toBeNull();
  });
});
