import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../../config';
import { PaymentsRepository } from '../../payments';
import { describeError } from '../lookup-owner';
import { BullmqLookupScheduler } from './bullmq-lookup.scheduler';

/** Rows enqueued per scan at most; the next scan takes the rest. */
const SCAN_LIMIT = 500;

/**
 * The database stays the source of truth: every `LOOKUP_POLL_MS` pending rows that are due and
 * not leased get a job (a crash between commit and enqueue, a row rescheduled after a
 * transient failure, a job lost with Redis), and rows past their window are failed.
 */
@Injectable()
export class LookupReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LookupReconciler.name);
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly scheduler: BullmqLookupScheduler,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (!this.stopping) {
      this.timer = setTimeout(() => void this.scan(), delayMs);
    }
  }

  private async scan(): Promise<void> {
    try {
      const now = Date.now();
      const expired = await this.payments.expireOverdue(now);
      if (expired > 0) {
        this.logger.warn(`${expired} payment(s) passed their 5-minute window without a unionid`);
      }
      const rows = await this.payments.pendingWithoutLease(now, SCAN_LIMIT);
      await Promise.all(
        rows
          .filter((row) => row.nextAttemptAtMs <= now)
          .map((row) => this.scheduler.enqueue(row.transactionId)),
      );
    } catch (error) {
      this.logger.warn(`Reconciling lookups failed: ${describeError(error)}`);
    } finally {
      this.schedule(this.config.lookup.pollMs);
    }
  }
}
