import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CAPTURE_SETTINGS, type CaptureSettings } from '../capture-settings';
import { CaptureEventsDeliverer } from '../events/capture-events.deliverer';
import { describeError } from './lookup-owner';
import { LookupDispatcher } from './lookup.dispatcher';
import { OverduePaymentsExpirer } from './overdue-payments.expirer';

/**
 * The one timer loop: every `pollMs` it fails rows past their window, starts due lookups
 * (retries, rows left by a crash, jobs lost with Redis) and delivers due events. The database
 * is the source of truth, so whatever the fast paths missed is found here.
 */
@Injectable()
export class LookupPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LookupPoller.name);
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly overdue: OverduePaymentsExpirer,
    private readonly dispatcher: LookupDispatcher,
    private readonly events: CaptureEventsDeliverer,
    @Inject(CAPTURE_SETTINGS) private readonly settings: CaptureSettings,
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
      this.timer = setTimeout(() => void this.poll(), delayMs);
    }
  }

  private async poll(): Promise<void> {
    try {
      const now = Date.now();
      await this.overdue.expire(now);
      await this.dispatcher.dispatchDue(now);
      await this.events.deliverDue(now);
    } catch (error) {
      this.logger.error(`Polling for due lookups failed: ${describeError(error)}`);
    } finally {
      this.schedule(this.settings.pollMs);
    }
  }
}
