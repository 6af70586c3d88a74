import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig } from '../config/app.config';
import type { AppConfig } from '../config/interfaces';
import { createPaymentsDataSource } from './payments-data-source.factory';
import { createTypeOrmOptions } from './typeorm-options.factory';

/**
 * The root database connection for `PaymentsModule`: opens the database named by
 * `DATABASE_URL` and runs the migrations. Import `forRoot()` once, next to the global
 * `ConfigModule`.
 */
@Module({})
export class PaymentsDatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: PaymentsDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [appConfig.KEY],
          useFactory: (config: AppConfig) => ({
            ...createTypeOrmOptions(config),
            // Fail start-up instead of retrying for half a minute.
            retryAttempts: 1,
          }),
          dataSourceFactory: createPaymentsDataSource,
        }),
      ],
    };
  }
}
