import { Inject, Injectable, Module, Scope } from '@nestjs/common';
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
  OnWechatPayNotification,
  WECHATPAY_NOTIFY_MODULE_OPTIONS,
  WechatPayNotificationDispatcher,
  WechatPayNotificationService,
  WechatPayNotifyModule,
  WechatPayNotifyOptionsError,
} from './index';
import type { WechatPayNotification, WechatPayNotifyModuleOptions } from './index';

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

describe('WechatPayNotifyModule notify route registration', () => {
  let app: INestApplicationContext | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const options = {
    mchId: TEST_MERCHANT.mchId,
    apiV3Key: TEST_MERCHANT.apiV3Key,
    platformCertificates: TEST_PLATFORM_CERTIFICATES_PEM,
  };

  it('adds one controller only when path is given, and keeps path out of the options', async () => {
    expect(WechatPayNotifyModule.forRoot(options).controllers ?? []).toHaveLength(0);
    expect(
      WechatPayNotifyModule.forRootAsync({ useFactory: () => options }).controllers ?? [],
    ).toHaveLength(0);
    expect(WechatPayNotifyModule.forRoot({ ...options, path: 'a' }).controllers).toHaveLength(1);
    expect(
      WechatPayNotifyModule.forRootAsync({ path: 'a', useFactory: () => options }).controllers,
    ).toHaveLength(1);

    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatPayNotifyModule.forRoot({ ...options, path: 'wechatpay/notify', isGlobal: true }),
      ],
    }).compile();
    expect(moduleRef.get(WECHATPAY_NOTIFY_MODULE_OPTIONS)).not.toHaveProperty('path');
    await moduleRef.close();
  });

  it.each(['', '/', '  ', 42])('rejects path %p at registration', (path) => {
    expect(() => WechatPayNotifyModule.forRoot({ ...options, path: path as string })).toThrow(
      WechatPayNotifyOptionsError,
    );
    expect(() =>
      WechatPayNotifyModule.forRootAsync({ path: path as string, useFactory: () => options }),
    ).toThrow('path: must be a non-empty route path');
  });

  it('rejects hooks that are not functions', async () => {
    const error = await Test.createTestingModule({
      imports: [
        WechatPayNotifyModule.forRoot({
          ...options,
          hooks: { onOutcome: 'count' } as unknown as WechatPayNotifyModuleOptions['hooks'],
        }),
      ],
    })
      .compile()
      .catch((e: unknown) => e);
    expect((error as WechatPayNotifyOptionsError).problems).toEqual([
      'hooks: must be an object of functions ({ onOutcome })',
    ]);
  });

  it('refuses a handler on a request-scoped provider at bootstrap', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class ScopedHandler {
      @OnWechatPayNotification('TRANSACTION.SUCCESS')
      onPaid(): void {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [WechatPayNotifyModule.forRoot(options)],
      providers: [ScopedHandler],
    }).compile();

    await expect(moduleRef.init()).rejects.toThrow(
      '@OnWechatPayNotification() handlers must be on singleton providers; ScopedHandler.onPaid is request-scoped or transient',
    );
    // Not closed: close() awaits the failed initialisation again; the context holds no resource.
  });

  it('binds a handler once even when its instance is also provided under an alias', async () => {
    const seen: string[] = [];
    @Injectable()
    class Handler {
      @OnWechatPayNotification(['TRANSACTION.SUCCESS', '*'])
      onAny(notification: WechatPayNotification): void {
        seen.push(notification.eventType);
      }
    }
    app = await Test.createTestingModule({
      imports: [WechatPayNotifyModule.forRoot(options)],
      providers: [Handler, { provide: 'ALIAS', useExisting: Handler }],
    }).compile();
    await app.init();

    const [headers, body] = signed(TEST_PLATFORM_CERTIFICATES[0].signer);
    const service = app.get(WechatPayNotificationService);
    const handled = await app
      .get(WechatPayNotificationDispatcher)
      .dispatch(service.verifyAndDecrypt(headers, body));
    expect(handled).toBe(1);
    expect(seen).toEqual(['TRANSACTION.SUCCESS']);
  });

  it('checks the event types given to @OnWechatPayNotification', () => {
    expect(() => OnWechatPayNotification([])).toThrow(TypeError);
    expect(() => OnWechatPayNotification('')).toThrow(
      "@OnWechatPayNotification() needs at least one non-empty event type (e.g. 'TRANSACTION.SUCCESS' or '*')",
    );
  });
});
