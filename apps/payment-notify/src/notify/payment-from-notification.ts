import type { WechatPayTransaction, WechatPayTransactionNotification } from '@app/wechatpay-notify';
import type { NewPayment } from '../payments';
import { InvalidPaymentError } from './invalid-payment.error';

/** Column sizes of `payments`; longer values are a client error, not a database error. */
const MAX_LENGTHS = {
  transactionId: 32,
  notificationId: 64,
  outTradeNo: 64,
  mchId: 32,
  appId: 64,
  openid: 128,
  currency: 16,
} as const;

/** Only successful payments are looked up; other events and states are acknowledged. */
export function isPaidTransaction(
  notification: WechatPayTransactionNotification,
): notification is WechatPayTransactionNotification & {
  transaction: WechatPayTransaction & { trade_state: 'SUCCESS' };
} {
  return (
    notification.eventType === 'TRANSACTION.SUCCESS' &&
    notification.transaction.trade_state === 'SUCCESS'
  );
}

/**
 * The row to store for a paid transaction. In partner mode the mini program is `sub_appid` when
 * the order was placed with it (then `sub_openid` is the payer), else `sp_appid`.
 *
 * @throws InvalidPaymentError
 */
export function paymentFromNotification(
  notification: WechatPayTransactionNotification,
  receivedAt: number,
): NewPayment {
  const tx = notification.transaction;
  const parties =
    'payer' in tx && 'openid' in tx.payer
      ? {
          appId: (tx as { appid: string }).appid,
          mchId: (tx as { mchid: string }).mchid,
          openid: tx.payer.openid,
        }
      : partnerParties(tx);
  const successTimeMs = Date.parse(tx.success_time ?? '');
  if (Number.isNaN(successTimeMs)) {
    throw new InvalidPaymentError('success_time is not an RFC 3339 time');
  }
  const payment: NewPayment = {
    transactionId: tx.transaction_id,
    notificationId: notification.id,
    outTradeNo: tx.out_trade_no,
    ...parties,
    amountTotal: tx.amount?.total ?? 0,
    currency: tx.amount?.currency ?? 'CNY',
    successTimeMs,
    createdAtMs: receivedAt,
  };
  for (const [field, max] of Object.entries(MAX_LENGTHS)) {
    const value = payment[field as keyof typeof MAX_LENGTHS];
    if (value.length === 0 || value.length > max) {
      throw new InvalidPaymentError(`${field} must have 1 to ${max} characters`);
    }
  }
  return payment;
}

function partnerParties(tx: WechatPayTransaction): Pick<NewPayment, 'appId' | 'mchId' | 'openid'> {
  const partner = tx as {
    sp_appid: string;
    sub_appid?: string;
    sub_mchid: string;
    payer: { sp_openid: string; sub_openid?: string };
  };
  const bySubApp = partner.sub_appid !== undefined && partner.payer.sub_openid !== undefined;
  return {
    appId: bySubApp ? partner.sub_appid! : partner.sp_appid,
    mchId: partner.sub_mchid,
    openid: bySubApp ? partner.payer.sub_openid! : partner.payer.sp_openid,
  };
}
