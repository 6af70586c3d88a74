import { PaidUnionIdService, RedisTokenStore, WechatAuthModule } from '@app/wechat-auth';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { SANDBOX_APP } from '../../apps/payment-notify/src/testing';
import { failToParent, type IpcMessage } from '../support/child-process.util';

/** Options of one token-economy instance (a process with its own Nest module). */
export interface TokenInstanceOptions {
  sandboxUrl: string;
  /** Share tokens through this Redis (`RedisTokenStore`); in-process cache when absent. */
  redisUrl?: string;
  keyPrefix?: string;
  payments: { openid: string; transactionId: string; unionid: string }[];
}

export interface TokenInstanceDoneMessage extends IpcMessage {
  type: 'done';
  ok: number;
  failed: number;
  ms: number;
  /** Error names and messages seen (never tokens or secrets: library errors carry none). */
  errors: string[];
}

/**
 * Child entry of benchmark 3: builds the module cold, answers `ready`, and on `go` fires every
 * lookup at once.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as TokenInstanceOptions;
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on('error', () => undefined);
  if (redis) {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      setTimeout(() => reject(new Error('Redis not ready')), 10_000).unref();
    });
  }
  const app = await NestFactory.createApplicationContext(
    WechatAuthModule.forRoot({
      appId: SANDBOX_APP.appId,
      secret: SANDBOX_APP.secret,
      apiBaseUrl: options.sandboxUrl,
      ...(redis
        ? { tokenStore: new RedisTokenStore(redis, { keyPrefix: options.keyPrefix }) }
        : {}),
    }),
    { logger: false },
  );
  const service = app.get(PaidUnionIdService);
  process.once('message', (message: IpcMessage) => {
    if (message.type !== 'go') return;
    void (async () => {
      const started = performance.now();
      const outcomes = await Promise.allSettled(
        options.payments.map(async (p) => {
          const unionid = await service.getPaidUnionId({
            openid: p.openid,
            transactionId: p.transactionId,
          });
          if (unionid !== p.unionid) throw new Error('wrong unionid');
        }),
      );
      const ms = performance.now() - started;
      const errors = [
        ...new Set(
          outcomes
            .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
            .map((o) =>
              o.reason instanceof Error ? `${o.reason.name}: ${o.reason.message}` : 'error',
            ),
        ),
      ];
      const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
      await app.close();
      await redis?.quit();
      const done: TokenInstanceDoneMessage = {
        type: 'done',
        ok,
        failed: outcomes.length - ok,
        ms,
        errors,
      };
      process.send?.(done, () => process.exit(0));
    })().catch(failToParent);
  });
  process.send?.({ type: 'ready' });
}

main().catch(failToParent);
