import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { describeError } from '../lookup-owner';
import { LookupScheduler } from '../lookup.scheduler';
import { LOOKUP_QUEUE, lookupJobId } from './lookup-queue.constants';

/** Data of a lookup job: the row in the database is the source of truth. */
export interface LookupJobData {
  transactionId: string;
}

/**
 * Enqueues lookups on BullMQ. The job id is the transaction id, so a duplicate notification on
 * another instance adds no second job; finished jobs are removed so a rescheduled row can be
 * enqueued again by the reconciler.
 */
@Injectable()
export class BullmqLookupScheduler extends LookupScheduler {
  private readonly logger = new Logger(BullmqLookupScheduler.name);

  constructor(@InjectQueue(LOOKUP_QUEUE) private readonly queue: Queue<LookupJobData>) {
    super();
  }

  scheduleNow(transactionId: string): void {
    void this.enqueue(transactionId).catch((error: unknown) =>
      // The reconciler enqueues it later: the row is already committed.
      this.logger.warn(`Enqueueing ${transactionId} failed: ${describeError(error)}`),
    );
  }

  async enqueue(transactionId: string, delayMs = 0): Promise<void> {
    await this.queue.add(
      'lookup',
      { transactionId },
      {
        jobId: lookupJobId(transactionId),
        delay: delayMs,
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }
}
