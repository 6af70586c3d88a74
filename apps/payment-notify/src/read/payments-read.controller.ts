import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { PaymentsRepository } from '../payments';
import { toPaymentView, type PaymentView } from './payment.view';

/** Read side: a payment's state, and the unionid known for an openid. */
@Controller()
export class PaymentsReadController {
  constructor(private readonly payments: PaymentsRepository) {}

  @Get('payments/:transactionId')
  async payment(@Param('transactionId') transactionId: string): Promise<PaymentView> {
    const payment = await this.payments.findByTransactionId(transactionId);
    if (!payment) {
      throw new NotFoundException('unknown transaction');
    }
    return toPaymentView(payment);
  }

  @Get('unionids/:openid')
  async unionid(@Param('openid') openid: string): Promise<{ openid: string; unionid: string }> {
    const unionid = await this.payments.findUnionId(openid);
    if (unionid === null) {
      throw new NotFoundException('no unionid known for this openid');
    }
    return { openid, unionid };
  }
}
