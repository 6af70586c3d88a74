import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { InjectAppConfig, type AppConfig } from '../../config';
import { PaymentsRepository } from '../../payments';
import { InFlightLookups } from '../in-flight-lookups';
import { createLookupOwner, describeError } from '../lookup-owner';
import { PaymentLookupService } from '../payment-lookup.service';
import type { LookupJobData } from './bullmq-lookup.scheduler';
import { LOOKUP_QUEUE, LOOKUP_REDIS_OPTIONS } from './lookup-queue.constants';

/**
 * The BullMQ worker of this instance: takes a job, claims the payment's row (the lease keeps
 * workers of other instances off it) and runs one lookup slice. `LOOKUP_CONCURRENCY` jobs run
 * at once; `LOOKUP_RATE_LIMIT` caps starts per second across every worker of the queue.
 */
@Injectable()
export class LookupWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LookupWorker.name);
  private readonly owner = createLookupOwner();
  private readonly inFlight = new InFlightLookups();
  private worker?: Worker<LookupJobData>;
  private stopping = false;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly lookup: PaymentLookupService,
    @Inject(LOOKUP_REDIS_OPTIONS) private readonly connection: ConnectionOptions,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { concurrency, rateLimit } = this.config.lookup;
    this.worker = new Worker<LookupJobData>(LOOKUP_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      concurrency,
      ...(rateLimit > 0 && { limiter: { max: rateLimit, duration: 1000 } }),
      // A dead instance's jobs go back to the queue after ~10 s instead of BullMQ's 30 s.
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    // Repeats on every reconnect attempt while Redis is down; the scheduler warns once.
    this.worker.on('error', (error) => this.logger.debug(`Lookup worker: ${describeError(error)}`));
    // A job that throws (e.g. a database error) is dropped; the reconciler enqueues the row again.
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
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    this.stopping = true;
    await this.worker.pause(true);
    if (!(await this.inFlight.settle(this.lookup.leaseMs))) {
      this.logger.warn(
        `${this.inFlight.size} lookup job(s) still running at shutdown keep their lease until it runs out`,
      );
    }
    await this.worker.close(true);
  }

  private process(job: Job<LookupJobData>): Promise<void> {
    const { transactionId } = job.data;
    if (this.stopping) {
      // Fetched while pausing: the row is untouched, so a reconciler enqueues it again.
      return Promise.resolve();
    }
    return this.inFlight.track(transactionId, this.claimAndRun(transactionId));
  }

  private async claimAndRun(transactionId: string): Promise<void> {
    const payment = await this.payments.claimOne(
      transactionId,
      this.owner,
      Date.now(),
      this.lookup.leaseMs,
    );
    if (payment) {
      await this.lookup.run(payment, this.owner);
    }
  }
}
