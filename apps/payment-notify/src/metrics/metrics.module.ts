import { Global, Module } from '@nestjs/common';
import { PaymentMetrics } from './payment-metrics.service';

/** The {@link PaymentMetrics} every part of the app records into (served by `ReadModule`). */
@Global()
@Module({
  providers: [PaymentMetrics],
  exports: [PaymentMetrics],
})
export class MetricsModule {}
