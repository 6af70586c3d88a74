import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments';
import { LookupRunner } from './lookup-runner.service';
import { LookupScheduler } from './lookup.scheduler';

@Module({
  imports: [PaymentsModule],
  providers: [LookupRunner, { provide: LookupScheduler, useExisting: LookupRunner }],
  exports: [LookupScheduler],
})
export class LookupsModule {}
