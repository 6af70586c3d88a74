import { Controller, HttpCode, HttpException, Module, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyRequest } from 'fastify';
import {
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  buildWechatPayNotification,
} from '@app/wechat-sandbox';
import {
  WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES,
  WechatPayNotificationService,
  WechatPayNotifyError,
  WechatPayNotifyModule,
} from './index';
import type { WechatPayNotification } from './index';

const received: WechatPayNotification[] = [];

/** The controller shape the README recommends. */
@Controller('wechatpay')
class NotifyController {
  constructor(private readonly notifications: WechatPayNotificationService) {}

  @Post('notify')
  @HttpCode(204)
  notify(@Req() req: RawBodyRequest<FastifyRequest>): void {
    try {
      received.push(this.notifications.verifyAndDecrypt(req.headers, req.rawBody));
    } catch (error) {
      if (!(error instanceof WechatPayNotifyError)) throw error;
      const status = error.reason === 'body-too-large' ? 413 : 401;
      throw new HttpException({ code: 'FAIL', message: error.message }, status);
    }
  }
}

@Module({
  imports: [
    WechatPayNotifyModule.forRoot({
      mchId: TEST_MERCHANT.mchId,
      apiV3Key: TEST_MERCHANT.apiV3Key,
      publicKeys: [
        { id: TEST_WECHATPAY_PUBLIC_KEY.id, pem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem },
      ],
    }),
  ],
  controllers: [NotifyController],
})
class NotifyAppModule {}

describe('WechatPayNotificationService over HTTP (Fastify, rawBody)', () => {
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [NotifyAppModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter({ bodyLimit: WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES }),
      { rawBody: true, logger: false },
    );
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/wechatpay/notify`;
  });

  afterAll(() => app.close());
  beforeEach(() => received.splice(0));

  const notification = () =>
    buildWechatPayNotification({
      apiV3Key: TEST_MERCHANT.apiV3Key,
      signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
    });

  it('accepts a signed notification with the raw body and Node-lower-cased headers', async () => {
    const n = notification();
    const response = await fetch(url, { method: 'POST', headers: n.headers, body: n.body });

    expect(response.status).toBe(204);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: n.notificationId, transaction: n.transaction });
  });

  it('verifies the bytes sent, not the parsed JSON', async () => {
    const n = notification();
    const body = n.body.replace('{"id"', '{ "id"');
    const response = await fetch(url, { method: 'POST', headers: n.headers, body });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: 'FAIL',
      message: 'Wechatpay-Signature does not match the request',
    });
    expect(received).toHaveLength(0);
  });

  it('lets the HTTP layer refuse bodies over 1 MiB', async () => {
    const n = notification();
    const body = JSON.stringify({ ...JSON.parse(n.body), padding: 'x'.repeat(1024 * 1024) });
    const response = await fetch(url, { method: 'POST', headers: n.headers, body });

    expect(response.status).toBe(413);
    expect(received).toHaveLength(0);
  });
});
