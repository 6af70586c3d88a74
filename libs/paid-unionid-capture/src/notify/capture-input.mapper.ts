import type { WechatPayTransaction, WechatPayTransactionNotification } from '@app/wechatpay-notify';
import type { PaidUnionIdCaptureInput } from '../interfaces';
import type { NewPayment } from '../store';
import { InvalidPaymentError } from '../errors/invalid-payment.error';

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
const LENGTH_LIMITS = Object.entries(MAX_LENGTHS) as [keyof typeof MAX_LENGTHS, number][];

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
 * What to capture of a paid transaction notification. In partner mode the mini program is
 * `sub_appid` when the order was placed with it (then `sub_openid` is the payer), else
 * `sp_appid` with `sp_openid`; the merchant is `sub_mchid`.
 */
export function captureInputOf(
  notification: WechatPayTransactionNotification,
): PaidUnionIdCaptureInput {
  const tx = notification.transaction;
  const { appId, mchId, openid } =
    'payer' in tx && 'openid' in tx.payer
      ? {
          appId: (tx as { appid: string }).appid,
          mchId: (tx as { mchid: string }).mchid,
          openid: tx.payer.openid,
        }
      : partnerParties(tx);
  return {
    appId,
    mchId,
    openid,
    transactionId: tx.transaction_id,
    outTradeNo: tx.out_trade_no,
    successTime: tx.success_time ?? '',
    notificationId: notification.id,
    amountTotal: tx.amount?.total ?? 0,
    currency: tx.amount?.currency ?? 'CNY',
  };
}

/**
 * The row to store for `input`, received at `receivedAt`.
 *
 * @throws InvalidPaymentError when a field is empty or too long, or `successTime` is no time.
 */
export function newPaymentOf(input: PaidUnionIdCaptureInput, receivedAt: number): NewPayment {
  const successTimeMs =
    input.successTime instanceof Date
      ? input.successTime.getTime()
      : typeof input.successTime === 'number'
        ? input.successTime
        : Date.parse(input.successTime);
  if (!Number.isFinite(successTimeMs)) {
    throw new InvalidPaymentError('success_time is not an RFC 3339 time', ['successTime']);
  }
  const payment: NewPayment = {
    transactionId: String(input.transactionId ?? ''),
    // Duplicates are recognised by transaction id; a capture without a notification still
    // needs a unique value here.
    notificationId: input.notificationId ?? `capture:${input.transactionId}`,
    outTradeNo: String(input.outTradeNo ?? ''),
    mchId: String(input.mchId ?? ''),
    appId: String(input.appId ?? ''),
    openid: String(input.openid ?? ''),
    amountTotal: input.amountTotal ?? 0,
    currency: input.currency ?? 'CNY',
    successTimeMs,
    createdAtMs: receivedAt,
  };
  for (const [field, max] of LENGTH_LIMITS) {
    const value = payment[field];
    if (value.length === 0 || value.length > max) {
      throw new InvalidPaymentError(`${field} must have 1 to ${max} characters`, [field]);
    }
  }
  return payment;
}

function partnerParties(
  tx: WechatPayTransaction,
): Pick<PaidUnionIdCaptureInput, 'appId' | 'mchId' | 'openid'> {
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
