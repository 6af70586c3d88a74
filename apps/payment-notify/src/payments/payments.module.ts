import { Module } from '@nestjs/common';
import { PaymentsRepository } from './payments.repository';

/**
 * Provides {@link PaymentsRepository}. It needs the root TypeORM `DataSource`, so import it
 * next to:
 *
 * ```ts
 * TypeOrmModule.forRootAsync({
 *   inject: [appConfig.KEY],
 *   useFactory: createTypeOrmOptions,
 *   dataSourceFactory: createPaymentsDataSource,
 * })
 * ```
 */
@Module({
  providers: [PaymentsRepository],
  exports: [PaymentsRepository],
})
export class PaymentsModule {}
