import { Test, type TestingModule } from '@nestjs/testing';
import { WechatNetworkError } from '../errors/wechat-transport.error';
import { PaidUnionIdService } from '../paid-union-id.service';
import { WechatAuthModule } from '../wechat-auth.module';
import { CapturingLogger } from '../wechat-auth.test-helpers';
import { TestHttpServer } from './undici-axios.test-helpers';

const APP = { appId: 'wx0123456789abcdef', secret: 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a' };

describe('WechatTransport at application shutdown', () => {
  let server: TestHttpServer;
  let moduleRef: TestingModule;

  beforeEach(async () => {
    server = await TestHttpServer.start();
    moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({
          ...APP,
          apiBaseUrl: server.url,
          timeoutMs: 5000,
          retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
        }),
      ],
    })
      .setLogger(new CapturingLogger())
      .compile();
  });
  afterEach(async () => {
    await moduleRef.close();
    await server.stop();
  });

  it('cancels the calls in flight and closes its keep-alive connections', async () => {
    const service = moduleRef.get(PaidUnionIdService);
    await expect(service.getPaidUnionId({ openid: 'o-1', transactionId: 't-1' })).resolves.toBe(
      'u-1',
    );
    const hanging = service.getPaidUnionId({ openid: 'hang', transactionId: 't-2' });
    hanging.catch(() => undefined);
    while (!server.requests.some((r) => r.url.includes('openid=hang'))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(server.open).toBeGreaterThan(0);

    await moduleRef.close();

    await expect(hanging).rejects.toBeInstanceOf(WechatNetworkError);
    await expect(hanging).rejects.toMatchObject({ code: 'ERR_CANCELED' });
    for (let i = 0; i < 100 && server.open > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(server.open).toBe(0);
  });
});
