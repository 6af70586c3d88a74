import { Module } from '@nestjs/common';
import { LookupsModule } from '../lookups/lookups.module';
import { PaymentsModule } from '../payments';
import { PaymentIntakeService } from './payment-intake.service';
import { WechatPayNotifyController } from './wechatpay-notify.controller';

@Module({
  imports: [PaymentsModule, LookupsModule],
  controllers: [WechatPayNotifyController],
  providers: [PaymentIntakeService],
})
export class NotifyModule {}
