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
    // BullMQ needs commands to wait for Redis rather than fail (maxRetriesPerRequest: null).
    const connection: ConnectionOptions = { url: redisUrl, maxRetriesPerRequest: null };
    return {
      module: LookupsModule,
      global: true,
      imports: [
        PaymentsModule,
        BullModule.forRoot({ connection }),
        BullModule.registerQueue({ name: LOOKUP_QUEUE }),
      ],
      providers: [
        { provide: LOOKUP_REDIS_OPTIONS, useValue: connection },
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
