import { Logger } from '@nestjs/common';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { CaptureSettings } from '../../capture-settings';
import type { LocalLookupPool } from '../local-lookup.pool';
import { describeError } from '../lookup-owner';
import type { LookupJobData } from './bullmq-lookup.dispatcher';
import { LOOKUP_QUEUE } from './lookup-queue.constants';

/**
 * This instance's BullMQ worker: each job claims its payment's row and runs one lookup slice in
 * the local pool (the lease keeps other instances' workers off the row). `concurrency` jobs run
 * at once; `rateLimit` caps starts per second across every worker of the queue.
 */
export class LookupWorker {
  private readonly logger = new Logger(LookupWorker.name);
  private worker?: Worker<LookupJobData>;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly settings: CaptureSettings,
    private readonly pool: LocalLookupPool,
  ) {}

  start(): void {
    const { concurrency, rateLimit } = this.settings;
    this.worker = new Worker<LookupJobData>(LOOKUP_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      concurrency,
      ...(rateLimit > 0 && { limiter: { max: rateLimit, duration: 1000 } }),
      // A dead instance's jobs go back to the queue after ~10 s instead of BullMQ's 30 s.
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    // Repeats on every reconnect attempt while Redis is down; the dispatcher warns once.
    this.worker.on('error', (error) => this.logger.debug(`Lookup worker: ${describeError(error)}`));
    // A job that throws (e.g. a database error) is dropped; the poller enqueues the row again.
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`Lookup job ${job?.id ?? '?'} failed: ${describeError(error)}`),
    );
  }

  /**
   * Takes no new job and lets the running lookups finish (each within its lease; one still
   * running after that keeps its lease). Then closes without waiting for Redis: BullMQ's own
   * close would wait forever while Redis is down. A job whose completion Redis did not record
   * comes back as stalled and finds its row settled.
   */
  async stop(): Promise<void> {
    if (!this.worker) return;
    await this.worker.pause(true);
    await this.pool.beforeApplicationShutdown();
    await this.worker.close(true);
  }

  private process(job: Job<LookupJobData>): Promise<void> {
    return this.pool.claimAndRun(job.data.transactionId);
  }
}
