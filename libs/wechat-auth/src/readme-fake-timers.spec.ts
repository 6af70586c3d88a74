import { WechatSandbox } from '@app/wechat-sandbox';
import { Test, type TestingModule } from '@nestjs/testing';
import { PaidUnionIdService, WechatAuthModule, type ApiAttemptEvent } from './index';

// The README's "Testing retries with Jest fake timers" example, verbatim, plus one check that the
// backoff is a fake timer.

describe('retries under Jest fake timers', () => {
  const app = { appId: 'wx0123456789abcdef', secret: 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a' };
  const attempts: ApiAttemptEvent['outcome'][] = [];
  let sandbox: WechatSandbox;
  let moduleRef: TestingModule;

  beforeEach(async () => {
    sandbox = await WechatSandbox.start({ apps: [app] });
    moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({
          ...app,
          apiBaseUrl: sandbox.url,
          // A minute between attempts: nothing a test could wait for.
          retry: { maxAttempts: 4, baseDelayMs: 60_000, maxDelayMs: 60_000 },
          // Tells the test when WeChat has answered a lookup attempt.
          hooks: {
            onApiAttempt: (event) => {
              if (event.path === '/wxa/getpaidunionid') attempts.push(event.outcome);
            },
          },
        }),
      ],
    }).compile();
    // Real sockets need the real nextTick, setImmediate and queueMicrotask.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  afterEach(async () => {
    jest.useRealTimers();
    attempts.length = 0;
    await moduleRef.close();
    await sandbox.stop();
  });

  it('retries -1, an HTTP 502 and a reset without waiting for the backoffs', async () => {
    const payment = sandbox.registerPayment({ openid: 'o-fake-timers' });
    sandbox.failNext('busy', 'http5xx', 'reset');

    const unionid = moduleRef
      .get(PaidUnionIdService)
      .getPaidUnionId({ openid: payment.openid, transactionId: payment.transactionId });
    for (let answered = 1; answered <= 3; answered++) {
      // Let the request travel (real I/O) until WeChat has answered this attempt; advancing the
      // clock earlier would also fire the request's own (fake) timeout timer...
      while (attempts.length < answered) await new Promise((resolve) => setImmediate(resolve));
      expect(jest.getTimerCount()).toBe(1); // (not in the README) the backoff is a fake timer
      // ...then skip the backoff that follows it, however long it is.
      await jest.advanceTimersToNextTimerAsync();
    }

    await expect(unionid).resolves.toBe(payment.unionid);
    expect(attempts).toEqual(['errcode', 'http', 'network', 'ok']);
  });
});
