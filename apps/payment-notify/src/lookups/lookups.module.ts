import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config';
import { PaymentsModule } from '../payments';
import { BullmqLookupScheduler } from './bullmq/bullmq-lookup.scheduler';
import { LOOKUP_QUEUE, LOOKUP_REDIS_OPTIONS } from './bullmq/lookup-queue.constants';
import { LookupReconciler } from './bullmq/lookup.reconciler';
import { LookupWorker } from './bullmq/lookup.worker';
import { InProcessLookupRunner } from './in-process-lookup.runner';
import { LocalLookupPool } from './local-lookup.pool';
import { OverduePaymentsExpirer } from './overdue-payments.expirer';
import { LookupScheduler } from './lookup.scheduler';
import { PaymentLookupService } from './payment-lookup.service';

/**
 * Where lookups run: in this process (no `REDIS_URL`), or as BullMQ jobs shared by every
 * instance (`REDIS_URL`). Either way the global `LookupScheduler` starts one after a payment
 * is stored.
 */
@Module({})
export class LookupsModule {
  static register(config: Pick<AppConfig, 'redisUrl'>): DynamicModule {
    return config.redisUrl ? LookupsModule.onBullmq(config.redisUrl) : LookupsModule.inProcess();
  }

  private static inProcess(): DynamicModule {
    return {
      module: LookupsModule,
      global: true,
      imports: [PaymentsModule],
      providers: [
        PaymentLookupService,
        LocalLookupPool,
        OverduePaymentsExpirer,
        InProcessLookupRunner,
        { provide: LookupScheduler, useExisting: InProcessLookupRunner },
      ],
      exports: [LookupScheduler],
    };
  }

  private static onBullmq(redisUrl: string): DynamicModule {
    // Back within 2 s of Redis (BullMQ's default backs off to 20 s between attempts).
    const retryStrategy = (attempt: number): number => Math.min(attempt * 200, 2000);
    // The worker's commands wait for Redis rather than fail (BullMQ requires it).
    const workerConnection: ConnectionOptions = {
      url: redisUrl,
      maxRetriesPerRequest: null,
      retryStrategy,
    };
    // The producer fails fast instead: an add while Redis is down would otherwise sit in
    // ioredis's offline queue (memory) and all be sent at once when Redis is back.
    const queueConnection: ConnectionOptions = {
      url: redisUrl,
      enableOfflineQueue: false,
      retryStrategy,
    };
    return {
      module: LookupsModule,
      global: true,
      imports: [
        PaymentsModule,
        BullModule.registerQueue({ name: LOOKUP_QUEUE, connection: queueConnection }),
      ],
      providers: [
        { provide: LOOKUP_REDIS_OPTIONS, useValue: workerConnection },
        PaymentLookupService,
        LocalLookupPool,
        OverduePaymentsExpirer,
        BullmqLookupScheduler,
        LookupWorker,
        LookupReconciler,
        { provide: LookupScheduler, useExisting: BullmqLookupScheduler },
      ],
      exports: [LookupScheduler],
    };
  }
}
