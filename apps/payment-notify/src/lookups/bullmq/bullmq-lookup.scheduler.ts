import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { LocalLookupPool } from '../local-lookup.pool';
import { describeError } from '../lookup-owner';
import { LookupScheduler } from '../lookup.scheduler';
import { LOOKUP_QUEUE, lookupJobId } from './lookup-queue.constants';

/** Data of a lookup job: the row in the database is the source of truth. */
export interface LookupJobData {
  transactionId: string;
}

/** An enqueue that has not answered by then counts as "Redis is down". */
const ENQUEUE_TIMEOUT_MS = 1000;

/**
 * Enqueues lookups on BullMQ. The job id is the transaction id, so a duplicate notification on
 * another instance adds no second job; finished jobs are removed so a rescheduled row can be
 * enqueued again. While Redis does not answer, lookups run in this process instead.
 */
@Injectable()
export class BullmqLookupScheduler extends LookupScheduler {
  private readonly logger = new Logger(BullmqLookupScheduler.name);
  private redisDown = false;

  constructor(
    @InjectQueue(LOOKUP_QUEUE) private readonly queue: Queue<LookupJobData>,
    private readonly local: LocalLookupPool,
  ) {
    super();
    // Connection errors repeat on every reconnect attempt; `enqueue` reports an outage once.
    this.queue.on('error', () => undefined);
  }

  scheduleNow(transactionId: string): void {
    void this.enqueue(transactionId).then((queued) => {
      if (!queued) {
        return this.local.runOne(transactionId);
      }
    });
  }

  /** Resolves `false` (never rejects) when Redis does not take the job in time. */
  async enqueue(transactionId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        this.queue.add(
          'lookup',
          { transactionId },
          { jobId: lookupJobId(transactionId), removeOnComplete: true, removeOnFail: true },
        ),
        timeout,
      ]);
      if (this.redisDown) {
        this.redisDown = false;
        this.logger.log('Redis answers again: lookups go through the queue');
      }
      return true;
    } catch (error) {
      if (!this.redisDown) {
        this.redisDown = true;
        this.logger.warn(
          `Cannot enqueue lookups (${describeError(error)}): running them in this process until Redis answers`,
        );
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
