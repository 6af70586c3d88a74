import type { Payment } from '../payments';

/** `GET /payments/:transactionId` answer, as fixed by the contract. */
export interface PaymentView {
  transactionId: string;
  outTradeNo: string;
  mchId: string;
  appId: string;
  openid: string;
  unionid: string | null;
  status: 'pending' | 'resolved' | 'failed';
  error: { errcode: number | null; errmsg: string } | null;
}

export function toPaymentView(payment: Payment): PaymentView {
  return {
    transactionId: payment.transactionId,
    outTradeNo: payment.outTradeNo,
    mchId: payment.mchId,
    appId: payment.appId,
    openid: payment.openid,
    unionid: payment.unionid,
    status: payment.status,
    // A pending payment's last error is progress, not an outcome.
    error:
      payment.status === 'failed'
        ? { errcode: payment.lastErrcode, errmsg: payment.lastErrmsg ?? '' }
        : null,
  };
}
