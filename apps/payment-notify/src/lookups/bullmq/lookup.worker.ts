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
import { createLookupOwner } from '../lookup-owner';
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
  private worker?: Worker<LookupJobData>;

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
    this.worker.on('error', (error) => this.logger.debug(`Lookup worker: ${error.message}`));
  }

  /** Lets active jobs finish; their rows stay leased only until the lease runs out. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async process(job: Job<LookupJobData>): Promise<void> {
    const { transactionId } = job.data;
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
