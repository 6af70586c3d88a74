import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../../config';
import { PaymentsRepository } from '../../payments';
import { OverduePaymentsExpirer } from '../overdue-payments.expirer';
import { LocalLookupPool } from '../local-lookup.pool';
import { describeError } from '../lookup-owner';
import { BullmqLookupScheduler } from './bullmq-lookup.scheduler';

/** Rows enqueued per scan at most; the next scan takes the rest. */
const SCAN_LIMIT = 500;

/**
 * The database stays the source of truth: every `LOOKUP_POLL_MS` pending rows that are due and
 * not leased get a job (a crash between commit and enqueue, a row rescheduled after a
 * transient failure, a job lost with Redis), rows past their window are failed, and while
 * Redis is down due rows are run in this process.
 */
@Injectable()
export class LookupReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LookupReconciler.name);
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly scheduler: BullmqLookupScheduler,
    private readonly local: LocalLookupPool,
    @InjectAppConfig() private readonly config: AppConfig,
    private readonly overdue: OverduePaymentsExpirer,
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
      await this.overdue.expire(now);
      const due = (await this.payments.pendingWithoutLease(now, SCAN_LIMIT)).filter(
        (row) => row.nextAttemptAtMs <= now,
      );
      for (const row of due) {
        if (!(await this.scheduler.enqueue(row.transactionId))) {
          await this.local.runDue(now);
          break;
        }
      }
    } catch (error) {
      this.logger.warn(`Reconciling lookups failed: ${describeError(error)}`);
    } finally {
      this.schedule(this.config.lookup.pollMs);
    }
  }
}
