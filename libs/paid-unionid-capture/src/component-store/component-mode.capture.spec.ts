import { WechatAuthModule } from '@app/wechat-auth';
import { WechatSandbox } from '@app/wechat-sandbox';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaidUnionIdResolvedEvent } from '../interfaces';
import { PaidUnionIdCapture } from '../paid-unionid-capture.service';
import { PaidUnionIdCaptureModule } from '../paid-unionid-capture.module';
import { PaidUnionIdCaptureComponentStore } from './paid-unionid-capture-component.store';

const COMPONENT = {
  componentAppId: 'wxc0c0c0c0c0c0c0c0',
  componentSecret: 'component-secret-0123456789abcdef',
  token: 'pushToken42',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const MERCHANT = 'wx1111111111111111';
const EVENTS_PATH = 'wechat/component/events';

/**
 * The capture module in third-party platform mode, unchanged: the payment's appId names the
 * authoriser, the platform's ticket and refresh tokens live in the capture database.
 */
describe('PaidUnionIdCaptureModule on a third-party platform', () => {
  let dir: string;
  let sandbox: WechatSandbox;
  let app: INestApplication | undefined;
  let resolved: PaidUnionIdResolvedEvent[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'capture-component-mode-'));
    sandbox = await WechatSandbox.start({ components: [COMPONENT], seed: 3 });
    resolved = [];
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ capture: PaidUnionIdCapture; eventUrl: string }> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PaidUnionIdCaptureModule.forRoot({
          database: `sqlite:${join(dir, 'capture.sqlite')}`,
          isGlobal: true,
          pollMs: 50,
          onResolved: (event) => {
            resolved.push(event);
          },
        }),
        WechatAuthModule.forRootAsync({
          isGlobal: true,
          componentEventsPath: EVENTS_PATH,
          inject: [PaidUnionIdCaptureComponentStore],
          useFactory: (store: PaidUnionIdCaptureComponentStore) => ({
            component: { ...COMPONENT, store },
            apiBaseUrl: sandbox.url,
            retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
          }),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.listen(0, '127.0.0.1');
    return {
      capture: app.get(PaidUnionIdCapture),
      eventUrl: `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/${EVENTS_PATH}`,
    };
  }

  async function resolvedCount(count: number): Promise<void> {
    for (const giveUpAt = Date.now() + 10_000; resolved.length < count;) {
      if (Date.now() > giveUpAt) throw new Error(`only ${resolved.length} of ${count} resolved`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('captures an authoriser payment, and after a restart needs no new push', async () => {
    const first = await start();
    await sandbox.pushComponentTicket(COMPONENT.componentAppId, first.eventUrl);
    await sandbox.authorizeComponent({
      componentAppId: COMPONENT.componentAppId,
      authorizerAppId: MERCHANT,
      url: first.eventUrl,
    });
    const paid = sandbox.registerPayment({ openid: 'o-component-1', appId: MERCHANT });
    const input = {
      appId: MERCHANT,
      openid: paid.openid,
      transactionId: paid.transactionId,
      mchId: paid.mchId,
      outTradeNo: paid.outTradeNo,
      successTime: sandbox.clock.now(),
    };
    await expect(first.capture.capture(input)).resolves.toBe('stored');
    await resolvedCount(1);
    expect(resolved[0]).toMatchObject({ appId: MERCHANT, unionid: paid.unionid });

    await app!.close();
    app = undefined;
    const second = await start();
    const again = sandbox.registerPayment({ openid: 'o-component-2', appId: MERCHANT });
    await second.capture.capture({
      ...input,
      openid: again.openid,
      transactionId: again.transactionId,
      outTradeNo: again.outTradeNo,
    });
    await resolvedCount(2);
    expect(resolved[1]).toMatchObject({ appId: MERCHANT, unionid: again.unionid });
    expect(sandbox.counters()).toMatchObject({ componentPushes: 2, authorizerListCalls: 0 });
  });
});
