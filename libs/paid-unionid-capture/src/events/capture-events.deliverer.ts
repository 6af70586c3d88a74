import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  PaidUnionIdCaptureModuleOptions,
  PaidUnionIdFailedEvent,
  PaidUnionIdResolvedEvent,
} from '../interfaces';
import { describeError, LOOKUP_OWNER } from '../lookup/lookup-owner';
import { PAID_UNIONID_CAPTURE_MODULE_OPTIONS } from '../paid-unionid-capture.module-definition';
import {
  EVENT_DELIVERY_BATCH,
  EVENT_DELIVERY_GIVE_UP_MS,
  EVENT_DELIVERY_LEASE_MS,
  EVENT_REDELIVERY_MAX_DELAY_MS,
  EVENT_REDELIVERY_MIN_DELAY_MS,
} from '../paid-unionid-capture.constants';
import { partiesOf, PaidUnionIdStore, type Payment } from '../store';

/**
 * Delivers `onResolved` / `onFailed` at least once. The row is the outbox: a terminal payment
 * stays undelivered until a handler returned, so a throw, or a crash before it returns, delivers
 * the event again (after 1 s, doubling up to 5 min, for 24 h). Each delivery is leased like a
 * lookup, so instances sharing a database do not deliver the same event at the same time.
 */
@Injectable()
export class CaptureEventsDeliverer {
  private readonly logger = new Logger(CaptureEventsDeliverer.name);
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly store: PaidUnionIdStore,
    @Inject(PAID_UNIONID_CAPTURE_MODULE_OPTIONS)
    private readonly options: PaidUnionIdCaptureModuleOptions,
    @Inject(LOOKUP_OWNER) private readonly owner: string,
  ) {}

  private get enabled(): boolean {
    return this.options.onResolved !== undefined || this.options.onFailed !== undefined;
  }

  /** Delivers what is due now; a call while a round runs makes one more round after it. */
  deliverDue(now = Date.now()): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.round(now).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.deliverDue();
      }
    });
    return this.running;
  }

  private async round(now: number): Promise<void> {
    try {
      for (;;) {
        const due = await this.store.claimUndeliveredEvents(
          this.owner,
          now,
          EVENT_DELIVERY_LEASE_MS,
          EVENT_DELIVERY_BATCH,
        );
        await Promise.all(due.map((payment) => this.deliver(payment)));
        if (due.length < EVENT_DELIVERY_BATCH) return;
        now = Date.now();
      }
    } catch (error) {
      this.logger.error(`Delivering capture events failed: ${describeError(error)}`);
    }
  }

  private async deliver(payment: Payment): Promise<void> {
    try {
      if (payment.status === 'resolved') {
        await this.options.onResolved?.(resolvedEvent(payment));
      } else {
        await this.options.onFailed?.(failedEvent(payment));
      }
      await this.store.markEventDelivered(payment.transactionId, this.owner, Date.now());
    } catch (error) {
      await this.redeliverLater(payment, error);
    }
  }

  private async redeliverLater(payment: Payment, error: unknown): Promise<void> {
    const now = Date.now();
    const kind = payment.status === 'resolved' ? 'onResolved' : 'onFailed';
    if (now - payment.updatedAtMs >= EVENT_DELIVERY_GIVE_UP_MS) {
      this.logger.error(
        `${kind} for ${payment.transactionId} failed for 24 h; giving up: ${describeError(error)}`,
      );
      await this.store.markEventDelivered(payment.transactionId, this.owner, now);
      return;
    }
    const delay = Math.min(
      EVENT_REDELIVERY_MIN_DELAY_MS * 2 ** payment.eventAttempts,
      EVENT_REDELIVERY_MAX_DELAY_MS,
    );
    this.logger.warn(
      `${kind} for ${payment.transactionId} failed (${describeError(error)}); again in ${delay} ms`,
    );
    await this.store.scheduleEventRedelivery(payment.transactionId, this.owner, now + delay);
  }
}

function resolvedEvent(payment: Payment): PaidUnionIdResolvedEvent {
  return {
    ...partiesOf(payment),
    unionid: payment.unionid ?? '',
    resolvedAt: new Date(payment.resolvedAtMs ?? payment.updatedAtMs),
  };
}

function failedEvent(payment: Payment): PaidUnionIdFailedEvent {
  return { ...partiesOf(payment), errcode: payment.lastErrcode, errmsg: payment.lastErrmsg ?? '' };
}
