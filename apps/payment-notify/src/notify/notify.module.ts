import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments';
import { PaymentIntakeService } from './payment-intake.service';
import { WechatPayNotifyController } from './wechatpay-notify.controller';

@Module({
  imports: [PaymentsModule],
  controllers: [WechatPayNotifyController],
  providers: [PaymentIntakeService],
})
export class NotifyModule {}
