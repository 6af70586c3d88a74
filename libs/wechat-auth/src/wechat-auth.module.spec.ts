import { WechatSandbox } from '@app/wechat-sandbox';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { AccessTokenProvider } from './access-token/access-token.provider';
import { DefaultAccessTokenProvider } from './access-token/default-access-token.provider';
import { InjectWechatAuthOptions } from './decorators/inject-wechat-auth-options.decorator';
import { WechatAuthConfigError } from './errors/wechat-auth-config.error';
import type {
  WechatAuthModuleOptions,
  WechatAuthOptionsFactory,
} from './interfaces/wechat-auth-module-options.interface';
import { PaidUnionIdService } from './paid-union-id.service';
import { WechatAuthModule } from './wechat-auth.module';

const APP_ID = 'wx0123456789abcdef';
const SECRET = 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a';

@Injectable()
class OptionsFactory implements WechatAuthOptionsFactory {
  createWechatAuthOptions(): WechatAuthModuleOptions {
    return { appId: APP_ID, secret: SECRET };
  }
}

@Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
class OptionsModule {}

@Injectable()
class OptionsReader {
  constructor(@InjectWechatAuthOptions() readonly options: WechatAuthModuleOptions) {}
}

describe('WechatAuthModule registration', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const compile = async (imports: Parameters<typeof Test.createTestingModule>[0]['imports']) => {
    moduleRef = await Test.createTestingModule({ imports }).compile();
    return moduleRef;
  };

  it('forRoot provides PaidUnionIdService and the default AccessTokenProvider', async () => {
    const ref = await compile([WechatAuthModule.forRoot({ appId: APP_ID, secret: SECRET })]);
    expect(ref.get(PaidUnionIdService)).toBeInstanceOf(PaidUnionIdService);
    expect(ref.get(AccessTokenProvider)).toBeInstanceOf(DefaultAccessTokenProvider);
  });

  it('forRootAsync with useFactory + inject + imports reads ConfigService', async () => {
    const ref = await compile([
      WechatAuthModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [() => ({ WECHAT_APPID: APP_ID, WECHAT_SECRET: SECRET })],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          appId: config.getOrThrow<string>('WECHAT_APPID'),
          secret: config.getOrThrow<string>('WECHAT_SECRET'),
          tokenMode: 'classic',
        }),
      }),
    ]);
    expect(ref.get(PaidUnionIdService)).toBeInstanceOf(PaidUnionIdService);
  });

  it('forRootAsync with useClass', async () => {
    const ref = await compile([WechatAuthModule.forRootAsync({ useClass: OptionsFactory })]);
    expect(ref.get(PaidUnionIdService)).toBeInstanceOf(PaidUnionIdService);
  });

  it('forRootAsync with useExisting', async () => {
    const ref = await compile([
      WechatAuthModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFactory }),
    ]);
    expect(ref.get(PaidUnionIdService)).toBeInstanceOf(PaidUnionIdService);
  });

  it('isGlobal makes the service injectable in modules that do not import it', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly paidUnionId: PaidUnionIdService) {}
    }
    @Module({ providers: [Consumer, OptionsReader] })
    class FeatureModule {}

    const ref = await compile([
      WechatAuthModule.forRoot({ appId: APP_ID, secret: SECRET, isGlobal: true }),
      FeatureModule,
    ]);
    expect(ref.get(Consumer).paidUnionId).toBeInstanceOf(PaidUnionIdService);
    expect(ref.get(OptionsReader).options.appId).toBe(APP_ID);
  });

  it('without isGlobal the service is not visible to other modules', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly paidUnionId: PaidUnionIdService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    await expect(
      compile([WechatAuthModule.forRoot({ appId: APP_ID, secret: SECRET }), FeatureModule]),
    ).rejects.toThrow(/PaidUnionIdService/);
  });

  it('isGlobal on forRootAsync sits on the async options object', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly paidUnionId: PaidUnionIdService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    const ref = await compile([
      WechatAuthModule.forRootAsync({ useClass: OptionsFactory, isGlobal: true }),
      FeatureModule,
    ]);
    expect(ref.get(Consumer).paidUnionId).toBeInstanceOf(PaidUnionIdService);
  });

  it('a custom accessTokenProvider class is built with DI and used', async () => {
    @Injectable()
    class CentralTokens extends AccessTokenProvider {
      async getAccessToken(): Promise<string> {
        return 'central';
      }
      async invalidate(): Promise<void> {}
    }
    const ref = await compile([
      WechatAuthModule.forRoot({
        appId: APP_ID,
        tokenMode: 'external',
        accessTokenProvider: CentralTokens,
      }),
    ]);
    expect(ref.get(AccessTokenProvider)).toBeInstanceOf(CentralTokens);
  });
});

describe('WechatAuthModule options validation at bootstrap', () => {
  const boot = (options: WechatAuthModuleOptions) =>
    Test.createTestingModule({ imports: [WechatAuthModule.forRoot(options)] }).compile();

  const bootError = async (options: WechatAuthModuleOptions): Promise<WechatAuthConfigError> => {
    const error: unknown = await boot(options).then(
      (ref) => ref.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WechatAuthConfigError);
    return error as WechatAuthConfigError;
  };

  it('names every bad field in one error', async () => {
    const error = await bootError({
      appId: 'not-an-appid',
      tokenMode: 'stable',
      timeoutMs: -5,
      retry: { maxAttempts: 0 },
    });
    expect(error.message).toMatch(/^Invalid WechatAuthModule options: /);
    expect(error.message).toContain('appId must look like wx0123456789abcdef');
    expect(error.message).toContain("secret is required when tokenMode is 'stable' or 'classic'");
    expect(error.message).toContain('timeoutMs must be a positive integer');
    expect(error.message).toContain('retry.maxAttempts must be an integer >= 1');
  });

  it('names the app by index in multi-app options', async () => {
    const error = await bootError({
      apps: [
        { appId: APP_ID, secret: SECRET },
        { appId: 'wxfedcba9876543210', tokenMode: 'classic' },
        { appId: 'wxaaaaaaaaaaaaaaaa', tokenMode: 'external' },
      ],
    });
    expect(error.problems).toEqual([
      "apps[1].secret is required when tokenMode is 'stable' or 'classic'",
      "apps[2].externalToken is required when tokenMode is 'external'",
    ]);
  });

  it('never prints the secret, even when the secret is what is wrong', async () => {
    const leaked = 'wx-secret-that-must-not-leak-000';
    const error = await bootError({
      appId: leaked,
      secret: leaked,
      tokenMode: 'bogus' as 'stable',
    });
    expect(error.message).toContain('tokenMode must be one of stable, classic, cloud, external');
    expect(error.message).not.toContain(leaked);
    expect(String(error)).not.toContain(leaked);
  });

  it('refuses a plain-http apiBaseUrl off this machine when the AppSecret is sent', async () => {
    const error = await bootError({
      appId: APP_ID,
      secret: SECRET,
      tokenMode: 'classic',
      apiBaseUrl: 'http://api.weixin.qq.com',
    });
    expect(error.problems).toEqual([
      "apiBaseUrl must be https: (plain http: only for a loopback host, or in tokenMode 'cloud'): " +
        "tokenMode 'classic' sends the AppSecret, which would travel in clear",
    ]);
    expect(String(error)).not.toContain(SECRET);
  });

  it('cloud mode needs neither appId nor secret', async () => {
    const ref = await boot({ tokenMode: 'cloud' });
    expect(ref.get(PaidUnionIdService)).toBeInstanceOf(PaidUnionIdService);
    await ref.close();
  });
});

describe('WechatAuthModule with a custom accessTokenProvider, against the WeChat sandbox', () => {
  let sandbox: WechatSandbox;
  let moduleRef: TestingModule | undefined;
  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [{ appId: APP_ID, secret: SECRET }] });
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    await sandbox.stop();
  });

  /** The app's own service, e.g. a client of a central token service (here: the sandbox). */
  @Injectable()
  class CentralTokenClient {
    async fetchToken(): Promise<string> {
      const answer = await fetch(
        `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${SECRET}`,
      );
      return ((await answer.json()) as { access_token: string }).access_token;
    }
  }
  @Module({ providers: [CentralTokenClient], exports: [CentralTokenClient] })
  class CentralTokenModule {}

  /** A provider class that injects the app's service. */
  @Injectable()
  class CentralTokens extends AccessTokenProvider {
    private current?: Promise<string>;
    constructor(private readonly central: CentralTokenClient) {
      super();
    }
    getAccessToken(): Promise<string> {
      return (this.current ??= this.central.fetchToken());
    }
    async invalidate(accessToken: string): Promise<void> {
      if ((await this.current) === accessToken) {
        this.current = undefined;
      }
    }
  }

  const compile = async (imports: Parameters<typeof Test.createTestingModule>[0]['imports']) => {
    moduleRef = await Test.createTestingModule({ imports }).compile();
    return moduleRef;
  };

  async function lookUp(ref: TestingModule): Promise<void> {
    const payment = sandbox.registerPayment({ openid: 'o-central', appId: APP_ID });
    await expect(
      ref
        .get(PaidUnionIdService)
        .getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId }),
    ).resolves.toBe(payment.unionid);
  }

  it('forRoot: giving accessTokenProvider implies tokenMode external (no secret asked for)', async () => {
    @Injectable()
    class FromSandbox extends AccessTokenProvider {
      async getAccessToken(): Promise<string> {
        return new CentralTokenClient().fetchToken();
      }
      async invalidate(): Promise<void> {}
    }
    const ref = await compile([
      WechatAuthModule.forRoot({
        appId: APP_ID,
        apiBaseUrl: sandbox.url,
        accessTokenProvider: FromSandbox,
      }),
    ]);
    await lookUp(ref);
    expect(sandbox.counters().tokenCalls).toMatchObject({ classic: 1, stable: 0 });
  });

  it('forRoot: `imports` lets the provider class inject a service of an app module', async () => {
    const ref = await compile([
      WechatAuthModule.forRoot({
        appId: APP_ID,
        tokenMode: 'external',
        apiBaseUrl: sandbox.url,
        accessTokenProvider: CentralTokens,
        imports: [CentralTokenModule],
      }),
    ]);
    expect(ref.get(AccessTokenProvider)).toBeInstanceOf(CentralTokens);
    await lookUp(ref);
    await lookUp(ref);
    expect(sandbox.counters().tokenCalls.total).toBe(1);
    expect(sandbox.counters().lookups).toBe(2);
  });

  it('forRootAsync: its `imports` serve the provider class too', async () => {
    const ref = await compile([
      WechatAuthModule.forRootAsync({
        imports: [CentralTokenModule],
        useFactory: () => ({
          appId: APP_ID,
          apiBaseUrl: sandbox.url,
          accessTokenProvider: CentralTokens,
        }),
      }),
    ]);
    await lookUp(ref);
    expect(sandbox.counters().tokenCalls.total).toBe(1);
  });

  it("a custom provider gets AccessTokenProvider's default forceRefresh: invalidate, then fetch", async () => {
    @Injectable()
    class OwnCache extends AccessTokenProvider {
      private current?: Promise<string>;
      getAccessToken(): Promise<string> {
        return (this.current ??= new CentralTokenClient().fetchToken());
      }
      async invalidate(accessToken: string): Promise<void> {
        if ((await this.current) === accessToken) {
          this.current = undefined;
        }
      }
    }
    const ref = await compile([
      WechatAuthModule.forRoot({
        appId: APP_ID,
        tokenMode: 'external',
        apiBaseUrl: sandbox.url,
        accessTokenProvider: OwnCache,
      }),
    ]);
    const tokens = ref.get(AccessTokenProvider);
    const first = await tokens.getAccessToken();
    const replaced = await tokens.forceRefresh();
    expect(replaced).not.toBe(first);
    await expect(tokens.getAccessToken()).resolves.toBe(replaced);
    expect(sandbox.counters().tokenCalls.total).toBe(2);
    await lookUp(ref);
    expect(sandbox.counters().tokenCalls.total).toBe(2);
  });

  it('forRootAsync refuses a misspelt key (apiBaseURL) at bootstrap, before any call to WeChat', async () => {
    // What a ConfigService-based factory may build: the misspelt key escapes the type check.
    const fromConfig: Record<string, unknown> = {
      appId: APP_ID,
      secret: SECRET,
      apiBaseURL: sandbox.url,
    };
    const error: unknown = await compile([
      WechatAuthModule.forRootAsync({
        useFactory: () => fromConfig as WechatAuthModuleOptions,
      }),
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatAuthConfigError);
    expect((error as WechatAuthConfigError).message).toBe(
      'Invalid WechatAuthModule options: ' +
        'apiBaseURL is not a WechatAuthModule option (did you mean apiBaseUrl?)',
    );
    expect(sandbox.requests()).toHaveLength(0);
  });
});
