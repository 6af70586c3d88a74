import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../config';
import { LocalLookupPool } from './local-lookup.pool';
import { OverduePaymentsExpirer } from './overdue-payments.expirer';
import { describeError } from './lookup-owner';
import { LookupScheduler } from './lookup.scheduler';

/**
 * Lookups without Redis: started right after a payment is stored, and by a scan every
 * `LOOKUP_POLL_MS` that fails overdue rows and claims due ones (retries, rows left by a crash).
 */
@Injectable()
export class InProcessLookupRunner
  extends LookupScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(InProcessLookupRunner.name);
  private scanTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly overdue: OverduePaymentsExpirer,
    private readonly pool: LocalLookupPool,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.scheduleScan(0);
  }

  scheduleNow(transactionId: string): void {
    void this.pool
      .runOne(transactionId)
      .catch((error: unknown) =>
        this.logger.error(`Claiming ${transactionId} failed: ${describeError(error)}`),
      );
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearTimeout(this.scanTimer);
  }

  private scheduleScan(delayMs: number): void {
    if (!this.stopping) {
      this.scanTimer = setTimeout(() => void this.scan(), delayMs);
    }
  }

  private async scan(): Promise<void> {
    try {
      const now = Date.now();
      await this.overdue.expire(now);
      await this.pool.runDue(now);
    } catch (error) {
      this.logger.error(`Scanning for due lookups failed: ${describeError(error)}`);
    } finally {
      this.scheduleScan(this.config.lookup.pollMs);
    }
  }
}
