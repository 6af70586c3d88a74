import type { SandboxPaymentInput } from '@app/wechat-sandbox';
import type { ChildProcess } from 'node:child_process';
import {
  benchEntry,
  forkEntry,
  markdownTable,
  nextMessage,
  progress,
  SandboxProcess,
  stopChild,
} from '../support';
import { startRedisServer } from '../../test/infra/redis-server';
import type { TokenInstanceDoneMessage, TokenInstanceOptions } from './token-instance.main';

export interface TokenEconomyOptions {
  rounds: number;
  lookups: number;
  processes: number;
}

export const TOKEN_ECONOMY_DEFAULTS: TokenEconomyOptions = {
  rounds: 3,
  lookups: 1000,
  processes: 3,
};

/** One cold start: every process fresh, the shared store empty, counters at zero. */
export interface TokenEconomyRun {
  setup: 'one-process' | 'processes-on-redis';
  round: number;
  processes: number;
  lookups: number;
  ok: number;
  failed: number;
  /** Upstream token fetches the sandbox received. */
  tokenFetches: number;
  /** Longest time, over the processes, from `go` to the last answer, ms. */
  ms: number;
  errors: string[];
}

export interface TokenEconomyResult {
  options: TokenEconomyOptions;
  runs: TokenEconomyRun[];
  /** Why the multi-process part did not run, if it did not. */
  redisSkipped?: string;
  exactlyOneEverywhere: boolean;
}

/**
 * Benchmark 3: 1,000 concurrent lookups on a cold token cache, in one process, then spread over
 * 3 processes sharing one Redis (`RedisTokenStore`): how many tokens were fetched upstream.
 */
export async function runTokenEconomyBench(
  options: TokenEconomyOptions,
): Promise<TokenEconomyResult> {
  const sandbox = await SandboxProcess.start({ seed: 3 });
  const redis = await startRedisServer();
  try {
    const registered = await sandbox.registerPayments(
      Array.from({ length: options.lookups }, (_, i): SandboxPaymentInput => ({
        openid: `o-bench-token-${i}`,
      })),
    );
    const payments = registered.map((p) => ({
      openid: p.openid,
      transactionId: p.transactionId,
      unionid: p.unionid,
    }));
    const runs: TokenEconomyRun[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      runs.push(
        await coldStart(sandbox, 'one-process', round, [{ sandboxUrl: sandbox.url, payments }]),
      );
      if (redis) {
        const keyPrefix = `bench-token-${round}:`;
        const shares = Array.from({ length: options.processes }, (_, i) =>
          payments.filter((_, index) => index % options.processes === i),
        );
        runs.push(
          await coldStart(
            sandbox,
            'processes-on-redis',
            round,
            shares.map((share) => ({
              sandboxUrl: sandbox.url,
              redisUrl: redis.url,
              keyPrefix,
              payments: share,
            })),
          ),
        );
      }
    }
    return {
      options,
      runs,
      ...(redis ? {} : { redisSkipped: 'redis-server is not installed' }),
      exactlyOneEverywhere: runs.every((r) => r.tokenFetches === 1 && r.failed === 0),
    };
  } finally {
    await redis?.stop();
    await sandbox.stop();
  }
}

async function coldStart(
  sandbox: SandboxProcess,
  setup: TokenEconomyRun['setup'],
  round: number,
  instances: TokenInstanceOptions[],
): Promise<TokenEconomyRun> {
  await sandbox.resetCounters();
  const children: ChildProcess[] = instances.map((options) =>
    forkEntry(benchEntry('tokens/token-instance.main.js'), [JSON.stringify(options)]),
  );
  try {
    await Promise.all(children.map((child) => nextMessage(child, 'ready')));
    const done = children.map((child) =>
      nextMessage<TokenInstanceDoneMessage>(child, 'done', 120_000),
    );
    for (const child of children) child.send({ type: 'go' });
    const results = await Promise.all(done);
    const counters = await sandbox.counters();
    const run: TokenEconomyRun = {
      setup,
      round,
      processes: instances.length,
      lookups: instances.reduce((sum, i) => sum + i.payments.length, 0),
      ok: results.reduce((sum, r) => sum + r.ok, 0),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      tokenFetches: counters.tokenCalls.total,
      ms: Math.max(...results.map((r) => r.ms)),
      errors: [...new Set(results.flatMap((r) => r.errors))],
    };
    progress(
      `tokens: round ${round} ${setup} (${run.processes} process(es), ${run.lookups} lookups): ` +
        `${run.tokenFetches} token fetch(es), ${run.ok} ok, ${run.failed} failed, ${run.ms.toFixed(0)} ms`,
    );
    return run;
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
  }
}

const verdictOf = (runs: TokenEconomyRun[]) =>
  runs.length === 0
    ? 'n/a'
    : runs.every((r) => r.tokenFetches === 1 && r.failed === 0)
      ? 'exactly 1 (met)'
      : 'NOT exactly 1';

/** Summary-table rows of benchmark 3. */
export function tokenEconomySummaryRows(result: TokenEconomyResult): string[][] {
  const one = result.runs.filter((r) => r.setup === 'one-process');
  const many = result.runs.filter((r) => r.setup === 'processes-on-redis');
  return [
    [
      '3. Token economy, 1 process',
      `${result.options.lookups} concurrent lookups, cold cache: token fetches per round ${one.map((r) => r.tokenFetches).join(' / ')}`,
      '-',
      verdictOf(one),
      'exactly 1',
      one.every((r) => r.tokenFetches === 1 && r.failed === 0) ? 'met' : 'NOT met',
    ],
    [
      `3. Token economy, ${result.options.processes} processes + Redis`,
      result.redisSkipped
        ? `skipped: ${result.redisSkipped}`
        : `${result.options.lookups} lookups over ${result.options.processes} processes: token fetches per round ${many.map((r) => r.tokenFetches).join(' / ')}`,
      '-',
      verdictOf(many),
      'exactly 1',
      result.redisSkipped
        ? 'not run'
        : many.every((r) => r.tokenFetches === 1 && r.failed === 0)
          ? 'met'
          : 'NOT met',
    ],
  ];
}

/** The detailed section of benchmark 3. */
export function tokenEconomyMarkdown(result: TokenEconomyResult): string {
  return [
    '### 3. Token economy',
    '',
    `Each run is a cold start: fresh processes (each with its own Nest module and \`WechatAuthModule\`), ` +
      `sandbox counters reset, and for the Redis setup a fresh key prefix on one throwaway \`redis-server\` ` +
      `(\`RedisTokenStore\`). All lookups start together (${result.options.lookups} in total).`,
    '',
    markdownTable(
      [
        'round',
        'setup',
        'processes',
        'lookups ok / failed',
        'upstream token fetches',
        'time to last answer ms',
      ],
      result.runs.map((r) => [
        String(r.round),
        r.setup === 'one-process' ? 'one process, in-process cache' : 'processes sharing Redis',
        String(r.processes),
        `${r.ok} / ${r.failed}${r.errors.length > 0 ? ` (${r.errors.join('; ')})` : ''}`,
        String(r.tokenFetches),
        r.ms.toFixed(0),
      ]),
    ),
    ...(result.redisSkipped
      ? ['', `The multi-process setup was skipped: ${result.redisSkipped}.`]
      : []),
  ].join('\n');
}
