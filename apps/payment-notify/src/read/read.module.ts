import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments';
import { PaymentsReadController } from './payments-read.controller';

@Module({ imports: [PaymentsModule], controllers: [PaymentsReadController] })
export class ReadModule {}
