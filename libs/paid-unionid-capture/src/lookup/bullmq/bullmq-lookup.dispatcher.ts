import {
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue, type ConnectionOptions, type RedisClient } from 'bullmq';
import type { CaptureSettings } from '../../capture-settings';
import type { NewPayment, PaidUnionIdStore } from '../../store';
import type { LocalLookupPool } from '../local-lookup.pool';
import { describeError } from '../lookup-owner';
import { LookupDispatcher } from '../lookup.dispatcher';
import { LOOKUP_QUEUE, lookupJobId } from './lookup-queue.constants';
import { LookupWorker } from './lookup.worker';

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

/** How long start-up waits for Redis before lookups fall back to this process. */
const FIRST_CONNECT_WAIT_MS = 2000;

/** Rows enqueued per poll at most; the next poll takes the rest. */
const SCAN_LIMIT = 500;

/** Back within 2 s of Redis (BullMQ's default backs off to 20 s between attempts). */
const retryStrategy = (attempt: number): number => Math.min(attempt * 200, 2000);

/**
 * Lookups as BullMQ jobs on Redis, shared by every instance. The job id is the transaction id,
 * so a duplicate notification on another instance adds no second job; finished jobs are removed
 * so a rescheduled row can be enqueued again. Each poll enqueues due, unleased rows (a crash
 * between commit and enqueue, a retry, a job lost with Redis). While Redis does not answer,
 * lookups run in this process instead.
 */
export class BullmqLookupDispatcher
  extends LookupDispatcher
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(BullmqLookupDispatcher.name);
  private readonly queue: Queue<LookupJobData>;
  private readonly worker: LookupWorker;
  private redisDown = false;
  /** The queue's connection once it first connected; until then nothing is added. */
  private client?: RedisClient;
  private unanswered = 0;

  constructor(
    redisUrl: string,
    settings: CaptureSettings,
    private readonly payments: PaidUnionIdStore,
    private readonly local: LocalLookupPool,
  ) {
    super();
    // The producer fails fast: an add while Redis is down would otherwise sit in ioredis's
    // offline queue (memory) and all be sent at once when Redis is back.
    const queueConnection: ConnectionOptions = {
      url: redisUrl,
      enableOfflineQueue: false,
      retryStrategy,
    };
    // The worker's commands wait for Redis rather than fail (BullMQ requires it).
    const workerConnection: ConnectionOptions = {
      url: redisUrl,
      maxRetriesPerRequest: null,
      retryStrategy,
    };
    this.queue = new Queue<LookupJobData>(LOOKUP_QUEUE, { connection: queueConnection });
    this.worker = new LookupWorker(workerConnection, settings, local);
    // Connection errors repeat on every reconnect attempt; `enqueue` reports an outage once.
    this.queue.on('error', () => undefined);
    this.queue.getBackend().client.then(
      (client) => (this.client = client),
      (error: unknown) => this.logger.warn(`Lookup queue not connected: ${describeError(error)}`),
    );
  }

  /** The queue (e.g. for its limiter settings or for dashboards). */
  get lookupQueue(): Queue<LookupJobData> {
    return this.queue;
  }

  /** Starts the worker; waits (briefly) for the queue's first connection, so a start is no outage. */
  async onApplicationBootstrap(): Promise<void> {
    this.worker.start();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.queue.waitUntilReady().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  async insertAndDispatch(payment: NewPayment): Promise<boolean> {
    const stored = await this.payments.insertIfAbsent(payment);
    if (stored) this.dispatch(payment.transactionId);
    return stored;
  }

  dispatch(transactionId: string): void {
    void this.enqueueOrRun(transactionId);
  }

  async dispatchDue(now: number): Promise<void> {
    const due = (await this.payments.pendingWithoutLease(now, SCAN_LIMIT)).filter(
      (row) => row.nextAttemptAtMs <= now,
    );
    for (const row of due) {
      if (!(await this.enqueue(row.transactionId))) {
        await this.local.runDue(now);
        return;
      }
    }
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
    await this.worker.stop();
    if (this.client?.status === 'ready') {
      await this.queue.close();
    } else {
      await this.queue.getBackend().close(true);
    }
  }

  private async enqueueOrRun(transactionId: string): Promise<void> {
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
