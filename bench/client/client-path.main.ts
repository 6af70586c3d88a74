import { PaidUnionIdService, WechatAuthModule } from '@app/wechat-auth';
import { NestFactory } from '@nestjs/core';
import { SANDBOX_APP } from '../../apps/payment-notify/src/testing';
import { failToParent, type IpcMessage } from '../support/child-process.util';
import { processCpuMs } from '../support/proc-cpu.util';
import { RawPaidUnionIdClient } from './raw-paid-unionid.client';

/** Options of the client-path child. */
export interface ClientPathChildOptions {
  sandboxUrl: string;
  sandboxPid: number | undefined;
  payments: { openid: string; transactionId: string; unionid: string }[];
  rounds: number;
  warmupCalls: number;
  calls: number;
  concurrency: number;
  /** Measure only this client (the profiling run). */
  only?: ClientPathRun['client'];
}

/** One measured batch of calls. */
export interface ClientPathRun {
  client: 'library' | 'raw';
  round: number;
  callsPerSec: number;
  /** CPU of the calling process per call, µs. */
  cpuUsPerCall: number;
  /** Sandbox CPU during the batch, % of one core. */
  sandboxCpuPercent: number;
  failures: number;
  /** The measured batch on the monotonic clock (`process.hrtime`), µs. */
  windowUs: [number, number];
}

export interface ClientPathDoneMessage extends IpcMessage {
  type: 'done';
  runs: ClientPathRun[];
}

type Call = (payment: ClientPathChildOptions['payments'][number]) => Promise<string>;

async function batch(
  call: Call,
  options: ClientPathChildOptions,
  count: number,
): Promise<{
  ms: number;
  cpuUs: number;
  sandboxCpuMs: number;
  failures: number;
  windowUs: [number, number];
}> {
  (globalThis as { gc?: () => void }).gc?.();
  let next = 0;
  let failures = 0;
  const cpu = process.cpuUsage();
  const sandboxCpu = processCpuMs(options.sandboxPid);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < count) {
        const payment = options.payments[next++ % options.payments.length];
        try {
          if ((await call(payment)) !== payment.unionid) failures += 1;
        } catch {
          failures += 1;
        }
      }
    }),
  );
  const ms = performance.now() - started;
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const used = process.cpuUsage(cpu);
  return {
    ms,
    cpuUs: used.user + used.system,
    sandboxCpuMs: processCpuMs(options.sandboxPid) - sandboxCpu,
    failures,
    windowUs: [fromUs, toUs],
  };
}

/**
 * Child entry of benchmark 2: `PaidUnionIdService.getPaidUnionId` and a hand-written keep-alive
 * client making the identical request, in one process, alternating, token cached in both.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as ClientPathChildOptions;
  const app = await NestFactory.createApplicationContext(
    WechatAuthModule.forRoot({
      appId: SANDBOX_APP.appId,
      secret: SANDBOX_APP.secret,
      apiBaseUrl: options.sandboxUrl,
    }),
    { logger: false },
  );
  const service = app.get(PaidUnionIdService);
  const raw = new RawPaidUnionIdClient(
    options.sandboxUrl,
    await RawPaidUnionIdClient.fetchToken(
      options.sandboxUrl,
      SANDBOX_APP.appId,
      SANDBOX_APP.secret,
    ),
  );
  const calls: Record<ClientPathRun['client'], Call> = {
    library: (p) => service.getPaidUnionId({ openid: p.openid, transactionId: p.transactionId }),
    raw: (p) => raw.getPaidUnionId(p.openid, p.transactionId),
  };
  // Token fetched once beforehand for both.
  await calls.library(options.payments[0]);
  const runs: ClientPathRun[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    const alternating: ClientPathRun['client'][] =
      round % 2 === 1 ? ['library', 'raw'] : ['raw', 'library'];
    for (const client of options.only ? [options.only] : alternating) {
      await batch(calls[client], options, options.warmupCalls);
      const measured = await batch(calls[client], options, options.calls);
      runs.push({
        client,
        round,
        callsPerSec: (options.calls / measured.ms) * 1000,
        cpuUsPerCall: measured.cpuUs / options.calls,
        sandboxCpuPercent: (measured.sandboxCpuMs / measured.ms) * 100,
        failures: measured.failures,
        windowUs: measured.windowUs,
      });
      process.send?.({ type: 'progress', run: runs[runs.length - 1] });
    }
  }
  raw.close();
  await app.close();
  process.send?.({ type: 'done', runs } satisfies ClientPathDoneMessage, () => process.exit(0));
}

main().catch(failToParent);
