import type { WechatPayTransactionNotification } from '@app/wechatpay-notify';
import { InvalidPaymentError } from '../errors';
import { captureInputOf, isPaidTransaction, newPaymentOf } from './capture-input.mapper';

const SUCCESS_TIME = '2026-11-30T10:00:00+08:00';

function notification(transaction: Record<string, unknown>): WechatPayTransactionNotification {
  return {
    id: 'EV-1',
    eventType: 'TRANSACTION.SUCCESS',
    transaction: {
      transaction_id: '4200000000000000000000000001',
      out_trade_no: 'ORDER-1',
      trade_state: 'SUCCESS',
      success_time: SUCCESS_TIME,
      amount: { total: 100, currency: 'CNY' },
      ...transaction,
    },
  } as unknown as WechatPayTransactionNotification;
}

describe('captureInputOf', () => {
  it('maps a direct-merchant payment: appid, mchid and payer.openid', () => {
    expect(
      captureInputOf(
        notification({ appid: 'wxDIRECT', mchid: '1900000109', payer: { openid: 'oDIRECT' } }),
      ),
    ).toEqual({
      appId: 'wxDIRECT',
      mchId: '1900000109',
      openid: 'oDIRECT',
      transactionId: '4200000000000000000000000001',
      outTradeNo: 'ORDER-1',
      successTime: SUCCESS_TIME,
      notificationId: 'EV-1',
      amountTotal: 100,
      currency: 'CNY',
    });
  });

  it('maps a partner payment placed with sub_appid to sub_appid and payer.sub_openid', () => {
    const input = captureInputOf(
      notification({
        sp_appid: 'wxSP',
        sp_mchid: '1900000001',
        sub_appid: 'wxSUB',
        sub_mchid: '1900000002',
        payer: { sp_openid: 'oSP', sub_openid: 'oSUB' },
      }),
    );
    expect(input).toMatchObject({ appId: 'wxSUB', openid: 'oSUB', mchId: '1900000002' });
  });

  it('maps a partner payment without sub_appid to sp_appid and payer.sp_openid', () => {
    const input = captureInputOf(
      notification({
        sp_appid: 'wxSP',
        sp_mchid: '1900000001',
        sub_mchid: '1900000002',
        payer: { sp_openid: 'oSP' },
      }),
    );
    expect(input).toMatchObject({ appId: 'wxSP', openid: 'oSP', mchId: '1900000002' });
  });

  it('falls back to sp_appid when sub_appid is given but the payer has no sub_openid', () => {
    const input = captureInputOf(
      notification({
        sp_appid: 'wxSP',
        sp_mchid: '1900000001',
        sub_appid: 'wxSUB',
        sub_mchid: '1900000002',
        payer: { sp_openid: 'oSP' },
      }),
    );
    expect(input).toMatchObject({ appId: 'wxSP', openid: 'oSP' });
  });
});

describe('isPaidTransaction', () => {
  it('takes only TRANSACTION.SUCCESS with trade_state SUCCESS', () => {
    const paid = notification({ appid: 'wx', mchid: '1', payer: { openid: 'o' } });
    expect(isPaidTransaction(paid)).toBe(true);
    const closed = notification({
      appid: 'wx',
      mchid: '1',
      payer: { openid: 'o' },
      trade_state: 'CLOSED',
    });
    expect(isPaidTransaction(closed)).toBe(false);
  });
});

describe('newPaymentOf', () => {
  const input = {
    appId: 'wxAPP',
    openid: 'oPAYER',
    transactionId: '4200000000000000000000000001',
    mchId: '1900000109',
    outTradeNo: 'ORDER-1',
    successTime: SUCCESS_TIME,
  };

  it('accepts a Date, epoch ms or RFC 3339 text as successTime', () => {
    const ms = Date.parse(SUCCESS_TIME);
    for (const successTime of [SUCCESS_TIME, ms, new Date(ms)]) {
      expect(newPaymentOf({ ...input, successTime }, 5).successTimeMs).toBe(ms);
    }
  });

  it('gives a capture without notification id a unique stand-in', () => {
    expect(newPaymentOf(input, 5)).toMatchObject({
      notificationId: `capture:${input.transactionId}`,
      createdAtMs: 5,
      amountTotal: 0,
      currency: 'CNY',
    });
  });

  it.each([
    ['openid', { openid: '' }],
    ['transactionId', { transactionId: 'x'.repeat(33) }],
    ['successTime', { successTime: 'yesterday' }],
  ])('refuses a bad %s by name', (field, change) => {
    expect(() => newPaymentOf({ ...input, ...change }, 5)).toThrow(InvalidPaymentError);
    try {
      newPaymentOf({ ...input, ...change }, 5);
    } catch (error) {
      expect((error as InvalidPaymentError).fields).toEqual([field]);
    }
  });
});
