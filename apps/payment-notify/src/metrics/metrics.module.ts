import { Global, Module } from '@nestjs/common';
import { PaymentsModule } from '../payments';
import { MetricsController } from './metrics.controller';
import { PaymentMetrics } from './payment-metrics.service';

/** `GET /metrics` and the {@link PaymentMetrics} every part of the app records into. */
@Global()
@Module({
  imports: [PaymentsModule],
  controllers: [MetricsController],
  providers: [PaymentMetrics],
  exports: [PaymentMetrics],
})
export class MetricsModule {}
