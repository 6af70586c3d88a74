import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { failToParent, type IpcMessage } from '../support/child-process.util';

/** Options of the load-generator child. */
export interface LoadGeneratorOptions {
  /** e.g. `http://127.0.0.1:PORT/wechatpay/notify`. */
  url: string;
  /** NDJSON of `{ headers, body }`, one distinct signed notification per line. */
  requestsFile: string;
  connections: number;
}

/** Sent to the child: run one phase of `durationS` seconds. */
export interface RunPhaseMessage extends IpcMessage {
  type: 'run';
  phase: 'warmup' | 'measure';
  durationS: number;
}

/** What one phase measured. */
export interface PhaseResultMessage extends IpcMessage {
  type: 'phase-done';
  phase: 'warmup' | 'measure';
  durationS: number;
  completed: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  /** Pool entries taken so far (all phases). */
  used: number;
  /** Entries sent a second time because the pool ran out (must be 0). */
  reused: number;
}

interface PoolRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * Child entry: autocannon in its own process. Every request is the next entry of one pool shared
 * by all connections (autocannon clones `requests` per connection, so a per-connection list
 * would send each notification once per connection).
 */
function main(): void {
  const options = JSON.parse(process.argv[2]) as LoadGeneratorOptions;
  const pool: PoolRequest[] = readFileSync(options.requestsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as PoolRequest);
  let next = 0;
  let reused = 0;
  const path = new URL(options.url).pathname;
  const setupRequest = (request: autocannon.RequestParams): autocannon.RequestParams => {
    if (next >= pool.length) reused += 1;
    const entry = pool[next++ % pool.length];
    return { ...request, method: 'POST', path, headers: entry.headers, body: entry.body };
  };

  process.on('message', (message: RunPhaseMessage) => {
    if (message.type !== 'run') return;
    autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: message.durationS,
        timeout: 30,
        requests: [{ setupRequest }],
      },
      (error, result) => {
        if (error) {
          failToParent(error);
          return;
        }
        const statusCodes = Object.fromEntries(
          Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
        );
        const reply: PhaseResultMessage = {
          type: 'phase-done',
          phase: message.phase,
          durationS: result.duration,
          completed: result.requests.total,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          latencyP50Ms: result.latency.p50,
          latencyP99Ms: result.latency.p99,
          latencyMeanMs: result.latency.mean,
          used: next,
          reused,
        };
        process.send?.(reply);
      },
    );
  });
  process.once('disconnect', () => process.exit(0));
  process.send?.({ type: 'loaded', size: pool.length });
}

try {
  main();
} catch (error) {
  failToParent(error);
}
