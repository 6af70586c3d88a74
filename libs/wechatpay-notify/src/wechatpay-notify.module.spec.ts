import { Inject, Injectable, Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  TEST_MERCHANT,
  TEST_PLATFORM_CERTIFICATES,
  TEST_PLATFORM_CERTIFICATES_PEM,
  TEST_WECHATPAY_PUBLIC_KEY,
  buildWechatPayNotification,
} from '@app/wechat-sandbox';
import {
  InjectWechatPayNotifyOptions,
  WechatPayNotificationService,
  WechatPayNotifyModule,
  WechatPayNotifyOptionsError,
} from './index';
import type { WechatPayNotifyModuleOptions } from './index';

const CONFIG = Symbol('CONFIG');
const env = {
  WECHATPAY_MCHID: TEST_MERCHANT.mchId,
  WECHATPAY_APIV3_KEY: TEST_MERCHANT.apiV3Key,
  WECHATPAY_PLATFORM_CERT: TEST_PLATFORM_CERTIFICATES_PEM,
};

@Module({ providers: [{ provide: CONFIG, useValue: env }], exports: [CONFIG] })
class FakeConfigModule {}

function signed(signer = TEST_WECHATPAY_PUBLIC_KEY.signer) {
  const n = buildWechatPayNotification({ apiV3Key: TEST_MERCHANT.apiV3Key, signer });
  return [n.headers, Buffer.from(n.body)] as const;
}

describe('WechatPayNotifyModule', () => {
  let app: INestApplicationContext | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('forRoot provides a working service', async () => {
    app = await Test.createTestingModule({
      imports: [
        WechatPayNotifyModule.forRoot({
          mchId: TEST_MERCHANT.mchId,
          apiV3Key: TEST_MERCHANT.apiV3Key,
          publicKeys: [
            { id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem },
          ],
        }),
      ],
    }).compile();

    const service = app.get(WechatPayNotificationService);
    expect(service.verifyAndDecrypt(...signed()).eventType).toBe('TRANSACTION.SUCCESS');
  });

  it('forRootAsync builds options with useFactory and inject', async () => {
    const useFactory = jest.fn((config: typeof env): WechatPayNotifyModuleOptions => ({
      mchId: config.WECHATPAY_MCHID,
      apiV3Key: config.WECHATPAY_APIV3_KEY,
      platformCertificates: config.WECHATPAY_PLATFORM_CERT,
    }));
    app = await Test.createTestingModule({
      imports: [
        WechatPayNotifyModule.forRootAsync({
          imports: [FakeConfigModule],
          inject: [CONFIG],
          useFactory,
        }),
      ],
    }).compile();

    expect(useFactory).toHaveBeenCalledWith(env);
    const service = app.get(WechatPayNotificationService);
    const [headers, body] = signed(TEST_PLATFORM_CERTIFICATES[1].signer);
    expect(service.verifyAndDecrypt(headers, body).transaction).not.toBeNull();
    expect(() => service.verifyAndDecrypt(...signed())).toThrow('Wechatpay-Serial');
  });

  it('isGlobal makes the service and options injectable without importing the module', async () => {
    @Injectable()
    class Consumer {
      constructor(
        readonly service: WechatPayNotificationService,
        @InjectWechatPayNotifyOptions() readonly options: WechatPayNotifyModuleOptions,
      ) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    app = await Test.createTestingModule({
      imports: [
        WechatPayNotifyModule.forRootAsync({
          isGlobal: true,
          useFactory: () => ({
            mchId: TEST_MERCHANT.mchId,
            apiV3Key: TEST_MERCHANT.apiV3Key,
            platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM,
          }),
        }),
        FeatureModule,
      ],
    }).compile();

    const consumer = app.get(Consumer);
    expect(consumer.service).toBeInstanceOf(WechatPayNotificationService);
    expect(consumer.options).toEqual(expect.objectContaining({ mchId: TEST_MERCHANT.mchId }));
    expect(consumer.options).not.toHaveProperty('isGlobal');
  });

  it('is not global by default', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(WechatPayNotificationService) readonly service: unknown) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    await expect(
      Test.createTestingModule({
        imports: [
          WechatPayNotifyModule.forRoot({
            mchId: TEST_MERCHANT.mchId,
            apiV3Key: TEST_MERCHANT.apiV3Key,
            platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM,
          }),
          FeatureModule,
        ],
      }).compile(),
    ).rejects.toThrow(/WechatPayNotificationService/);
  });

  it('stops bootstrap with one error naming each bad option, without leaking secrets', async () => {
    const leakyKey = 'this-api-v3-key-is-secret-but-too-long';
    const compile = Test.createTestingModule({
      imports: [
        WechatPayNotifyModule.forRootAsync({
          useFactory: () => ({
            mchId: '',
            apiV3Key: leakyKey,
            publicKeys: [
              { id: 'KEY-1', pem: TEST_WECHATPAY_PUBLIC_KEY.privateKeyPem.slice(0, 200) },
            ],
            maxClockSkewSeconds: -5,
          }),
        }),
      ],
    }).compile();

    const error = await compile.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayNotifyOptionsError);
    const { message, problems } = error as WechatPayNotifyOptionsError;
    expect(problems).toEqual([
      'mchId: must be a non-empty merchant id without spaces',
      'apiV3Key: must be exactly 32 bytes',
      'publicKeys[0].id: must be a WeChat Pay public key id (PUB_KEY_ID_...)',
      'maxClockSkewSeconds: must be at least 1',
    ]);
    expect(message).toContain('apiV3Key');
    expect(message).not.toContain(leakyKey);
    expect(message).not.toContain('PRIVATE');
    expect(message).not.toContain(TEST_WECHATPAY_PUBLIC_KEY.privateKeyPem.slice(40, 80));
  });

  it('requires at least one key', async () => {
    const error = await Test.createTestingModule({
      imports: [
        WechatPayNotifyModule.forRoot({
          mchId: TEST_MERCHANT.mchId,
          apiV3Key: TEST_MERCHANT.apiV3Key,
        }),
      ],
    })
      .compile()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayNotifyOptionsError);
    expect((error as Error).message).toBe(
      'Invalid WechatPayNotifyModule options: publicKeys/platformCertificates: at least one WeChat Pay key is required',
    );
  });
});
