import type { SandboxPaymentInput } from '@app/wechat-sandbox';
import { closeSync, openSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { benchEntry } from './repo-paths';

/** A pre-signed "transaction success" notification, ready to POST, and its payment. */
export interface SignedNotification {
  headers: Record<string, string>;
  body: string;
  /** The payment as the sandbox must know it (`paidAt` = the notification's `success_time`). */
  payment: Required<Omit<SandboxPaymentInput, 'unionid'>>;
}

/** Files a pool is handed over in: one NDJSON line per notification, same order. */
export interface PoolFiles {
  /** `{ headers, body }` per line, for the load generator. */
  requestsFile: string;
  /** `SandboxPaymentInput` per line, for the sandbox. */
  paymentsFile: string;
}

const LINES_PER_WRITE = 2000;

/** Worker threads that sign notifications on demand (RSA signing is ~0.5 ms each). */
export class NotificationSigner {
  private readonly workers: Worker[];

  constructor(threads = availableParallelism()) {
    this.workers = Array.from(
      { length: threads },
      () => new Worker(benchEntry('support/sign-notifications.worker.js')),
    );
  }

  /** `count` distinct notifications, signed now, split over the threads. */
  async sign(count: number): Promise<SignedNotification[]> {
    const threads = this.workers.length;
    const batches = await Promise.all(
      this.workers.map((worker, i) => {
        const share = Math.floor(count / threads) + (i < count % threads ? 1 : 0);
        return share === 0 ? [] : this.ask(worker, share);
      }),
    );
    return batches.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private ask(worker: Worker, count: number): Promise<SignedNotification[]> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once('error', onError);
      worker.once('message', (batch: SignedNotification[]) => {
        worker.off('error', onError);
        resolve(batch);
      });
      worker.postMessage({ count });
    });
  }
}

/**
 * Signs `count` distinct notifications (random ids, openids, order numbers; signed now, so they
 * pass the 5-minute timestamp check for 5 minutes) on every core.
 */
export async function signNotifications(count: number): Promise<SignedNotification[]> {
  const signer = new NotificationSigner();
  try {
    return await signer.sign(count);
  } finally {
    await signer.close();
  }
}

/** Writes the pool to `dir` as two NDJSON files. */
export function writePool(pool: readonly SignedNotification[], dir: string): PoolFiles {
  const files: PoolFiles = {
    requestsFile: join(dir, 'requests.ndjson'),
    paymentsFile: join(dir, 'payments.ndjson'),
  };
  writeLines(files.requestsFile, pool, (n) => JSON.stringify({ headers: n.headers, body: n.body }));
  writeLines(files.paymentsFile, pool, (n) => JSON.stringify(n.payment));
  return files;
}

function writeLines<T>(file: string, items: readonly T[], line: (item: T) => string): void {
  const fd = openSync(file, 'w');
  try {
    for (let start = 0; start < items.length; start += LINES_PER_WRITE) {
      const chunk = items.slice(start, start + LINES_PER_WRITE).map(line);
      writeSync(fd, `${chunk.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}
