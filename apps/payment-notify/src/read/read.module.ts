import { PaidUnionIdStore } from '@app/paid-unionid-capture';
import {
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { AppConfig } from '../config';
import { DocsController, OpenApiDocumentSource } from '../docs';
import { MetricsController, PaymentMetrics } from '../metrics';
import { PaymentsReadController } from './payments-read.controller';
import { ReadApiTokenGuard } from './read-api-token.guard';

/** `payment_notify_pending_lookups` reads the capture's store. */
@Injectable()
class PendingLookupsGauge implements OnModuleInit {
  constructor(
    private readonly metrics: PaymentMetrics,
    private readonly store: PaidUnionIdStore,
  ) {}

  onModuleInit(): void {
    this.metrics.watchPending(this.store);
  }
}

/** Says once, at start-up, that the read routes are off. */
class ReadRoutesOffNotice implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger(ReadModule.name).warn(
      'READ_API_TOKEN is not set: GET /payments, /unionids, /metrics and /docs are off (404); payments are still captured',
    );
  }
}

/**
 * The routes that show payer data or operations: `GET /payments/:id`, `/unionids/:openid`,
 * `/metrics`, `/docs` (and `/docs-json`), each behind `Authorization: Bearer <READ_API_TOKEN>`.
 * Without a token they are not registered at all, so they answer `404`.
 */
@Module({})
export class ReadModule {
  static register(config: Pick<AppConfig, 'readApiToken'>): DynamicModule {
    const on = config.readApiToken !== undefined;
    return {
      module: ReadModule,
      controllers: on ? [PaymentsReadController, MetricsController, DocsController] : [],
      providers: [
        OpenApiDocumentSource,
        ReadApiTokenGuard,
        PendingLookupsGauge,
        ...(on ? [] : [ReadRoutesOffNotice]),
      ],
      exports: [OpenApiDocumentSource],
    };
  }
}
