import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Queue, RedisClient } from 'bullmq';
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
 * Adds sent and not answered yet, at most. A Redis that accepts connections but does not answer
 * keeps every add in ioredis's command queue; beyond this many Redis counts as down.
 */
const MAX_UNANSWERED_ENQUEUES = 1000;

/**
 * Enqueues lookups on BullMQ. The job id is the transaction id, so a duplicate notification on
 * another instance adds no second job; finished jobs are removed so a rescheduled row can be
 * enqueued again. While Redis does not answer, lookups run in this process instead.
 */
@Injectable()
export class BullmqLookupScheduler extends LookupScheduler implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BullmqLookupScheduler.name);
  private redisDown = false;
  /** The queue's connection once it first connected; until then nothing is added. */
  private client?: RedisClient;
  private unanswered = 0;

  constructor(
    @InjectQueue(LOOKUP_QUEUE) private readonly queue: Queue<LookupJobData>,
    private readonly local: LocalLookupPool,
  ) {
    super();
    // Connection errors repeat on every reconnect attempt; `enqueue` reports an outage once.
    this.queue.on('error', () => undefined);
    this.queue.getBackend().client.then(
      (client) => (this.client = client),
      (error: unknown) => this.logger.warn(`Lookup queue not connected: ${describeError(error)}`),
    );
  }

  scheduleNow(transactionId: string): void {
    void this.dispatch(transactionId);
  }

  /**
   * Resolves `false` (never rejects) when Redis does not take the job in time. Nothing is sent
   * while the connection is not ready, so an outage queues nothing in memory.
   */
  async enqueue(transactionId: string): Promise<boolean> {
    const status = this.client?.status ?? 'connecting';
    if (status !== 'ready') {
      return this.cannotEnqueue(new Error(`Redis connection is ${status}`));
    }
    if (this.unanswered >= MAX_UNANSWERED_ENQUEUES) {
      return this.cannotEnqueue(new Error(`${this.unanswered} enqueues are still unanswered`));
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer')), ENQUEUE_TIMEOUT_MS);
    });
    this.unanswered++;
    const added = this.queue
      .add(
        'lookup',
        { transactionId },
        { jobId: lookupJobId(transactionId), removeOnComplete: true, removeOnFail: true },
      )
      .finally(() => this.unanswered--);
    try {
      await Promise.race([added, timeout]);
      if (this.redisDown) {
        this.redisDown = false;
        this.logger.log('Redis answers again: lookups go through the queue');
      }
      return true;
    } catch (error) {
      return this.cannotEnqueue(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Without a connection the QUIT of Nest's own close of the queue cannot be sent (no offline
   * queue) and would fail the shutdown; closed here first without it, that close does nothing.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.client?.status !== 'ready') {
      await this.queue.getBackend().close(true);
    }
  }

  private async dispatch(transactionId: string): Promise<void> {
    try {
      if (!(await this.enqueue(transactionId))) {
        await this.local.runOne(transactionId);
      }
    } catch (error) {
      this.logger.error(`Claiming ${transactionId} failed: ${describeError(error)}`);
    }
  }

  private cannotEnqueue(error: unknown): false {
    if (!this.redisDown) {
      this.redisDown = true;
      this.logger.warn(
        `Cannot enqueue lookups (${describeError(error)}): running them in this process until Redis answers`,
      );
    }
    return false;
  }
}
