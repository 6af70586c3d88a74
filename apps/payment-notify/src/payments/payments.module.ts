import { Module } from '@nestjs/common';
import { PaymentsRepository } from './payments.repository';

/**
 * Provides {@link PaymentsRepository}. It needs the root `DataSource` that
 * `PaymentsDatabaseModule.forRoot()` opens.
 */
@Module({
  providers: [PaymentsRepository],
  exports: [PaymentsRepository],
})
export class PaymentsModule {}
