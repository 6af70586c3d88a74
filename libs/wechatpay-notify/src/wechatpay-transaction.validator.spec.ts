import { validateSync } from 'class-validator';
import {
  WechatPayDirectPayerDto,
  WechatPayDirectTransactionDto,
  WechatPayPartnerPayerDto,
  WechatPayPartnerTransactionDto,
  WechatPayTransactionAmountDto,
} from './dto';
import { WechatPayInvalidPayloadError } from './errors';
import { isConformingTransaction } from './wechatpay-transaction.fast-check';
import { WechatPayTransactionValidator } from './wechatpay-transaction.validator';

type Json = Record<string, unknown>;

const direct = (): Json => ({
  appid: 'wx8888888888888888',
  mchid: '1900000001',
  out_trade_no: 'ORDER-1',
  transaction_id: '4200000000202405201234567890',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  attach: '',
  success_time: '2024-05-20T13:29:35+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
});

const partner = (): Json => {
  const { appid: _appid, mchid: _mchid, ...rest } = direct();
  return {
    ...rest,
    sp_appid: 'wx1111111111111111',
    sp_mchid: '1900000100',
    sub_appid: 'wx8888888888888888',
    sub_mchid: '1900000001',
    payer: { sp_openid: 'o-sp', sub_openid: 'o-sub' },
  };
};

const validator = new WechatPayTransactionValidator();

function invalidFields(transaction: Json): readonly string[] {
  try {
    validator.validate(transaction);
  } catch (error) {
    if (error instanceof WechatPayInvalidPayloadError) return error.fields;
    throw error;
  }
  return [];
}

/** The DTOs alone, without the hot-path pre-check. */
function dtoAccepts(transaction: Json): boolean {
  const partnerMode = transaction.sp_mchid !== undefined;
  const instance = Object.assign(
    partnerMode ? new WechatPayPartnerTransactionDto() : new WechatPayDirectTransactionDto(),
    transaction,
  ) as Json;
  const wrap = (prototype: object, value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.assign(Object.create(prototype) as object, value)
      : value;
  instance.payer = wrap(
    partnerMode ? WechatPayPartnerPayerDto.prototype : WechatPayDirectPayerDto.prototype,
    transaction.payer,
  );
  if (transaction.amount !== undefined) {
    instance.amount = wrap(WechatPayTransactionAmountDto.prototype, transaction.amount);
  }
  return validateSync(instance).length === 0;
}

describe('WechatPayTransactionValidator', () => {
  it('accepts a direct-merchant transaction and returns the same object', () => {
    const transaction = direct();
    expect(validator.validate(transaction)).toBe(transaction);
  });

  it('accepts a partner-mode transaction, with or without sub_appid/sub_openid', () => {
    expect(invalidFields(partner())).toEqual([]);
    const { sub_appid: _subAppid, ...withoutSubAppid } = partner();
    expect(invalidFields({ ...withoutSubAppid, payer: { sp_openid: 'o-sp' } })).toEqual([]);
  });

  it('keeps unknown extra fields', () => {
    const transaction = {
      ...direct(),
      scene_info: { device_id: '013467007045764' },
      promotion_detail: [{ coupon_id: '109519', amount: 1 }],
      brand_new_field: { nested: true },
    };
    expect(validator.validate(transaction)).toEqual(transaction);
  });

  it('rejects a missing payer.openid, naming the field', () => {
    expect(invalidFields({ ...direct(), payer: {} })).toEqual(['payer.openid']);
    expect(invalidFields({ ...direct(), payer: { openid: '' } })).toEqual(['payer.openid']);
    const { payer: _payer, ...withoutPayer } = direct();
    expect(invalidFields(withoutPayer)).toEqual(['payer']);
  });

  it('rejects wrong types, naming every bad field', () => {
    expect(
      [
        ...invalidFields({
          ...direct(),
          mchid: 1900000001,
          out_trade_no: ['ORDER-1'],
          success_time: 'yesterday',
          amount: { total: '100', payer_total: 1.5 },
          payer: 'oUpF8uMuAJO',
        }),
      ].sort(),
    ).toEqual([
      'amount.payer_total',
      'amount.total',
      'mchid',
      'out_trade_no',
      'payer',
      'success_time',
    ]);
  });

  it('puts the field names, never the values, into the message', () => {
    try {
      validator.validate({ ...direct(), payer: { openid: 42 }, transaction_id: 'SECRET-ish' });
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(WechatPayInvalidPayloadError);
      expect((error as Error).message).toBe('Decrypted resource is invalid: payer.openid');
    }
  });

  it('requires direct or partner identifiers', () => {
    const { appid: _a, mchid: _m, ...anonymous } = direct();
    expect(invalidFields(anonymous)).toEqual(['appid', 'mchid']);
    expect(invalidFields({ ...partner(), sub_mchid: undefined, payer: { openid: 'o' } })).toEqual([
      'sub_mchid',
      'payer.sp_openid',
    ]);
  });

  it('requires payment details only for SUCCESS', () => {
    const { success_time: _s, bank_type: _b, amount: _am, trade_type: _t, ...bare } = direct();
    expect(invalidFields(bare)).toEqual(['trade_type', 'bank_type', 'success_time', 'amount']);
    expect(invalidFields({ ...bare, trade_state: 'CLOSED' })).toEqual([]);
    expect(invalidFields({ ...bare, trade_state: 'NOTPAY', success_time: 'soon' })).toEqual([
      'success_time',
    ]);
  });

  it('rejects an unknown trade_state', () => {
    expect(invalidFields({ ...direct(), trade_state: 'PAID' })).toEqual(['trade_state']);
  });

  it('accepts null optional fields, as the DTOs do', () => {
    expect(invalidFields({ ...direct(), attach: null, trade_state_desc: null })).toEqual([]);
  });

  describe('hot-path pre-check', () => {
    it('takes the typical direct and partner transactions', () => {
      expect(isConformingTransaction(direct())).toBe(true);
      expect(isConformingTransaction(partner())).toBe(true);
    });

    it('never accepts what the DTOs reject', () => {
      const badValues: unknown[] = [undefined, null, '', 'x', 0, -1, 1.5, true, [], {}, ['x']];
      const variants: Json[] = [];
      for (const base of [direct(), partner()]) {
        for (const state of ['SUCCESS', 'CLOSED']) {
          const seed: Json = { ...base, trade_state: state };
          for (const field of [...Object.keys(seed), 'scene_info', 'promotion_detail']) {
            for (const value of badValues) variants.push({ ...seed, [field]: value });
          }
          for (const nested of ['payer', 'amount'] as const) {
            const inner = seed[nested] as Json;
            for (const field of [...Object.keys(inner), 'openid', 'sp_openid']) {
              for (const value of badValues) {
                variants.push({ ...seed, [nested]: { ...inner, [field]: value } });
              }
            }
          }
        }
      }
      variants.push({ ...direct(), sp_mchid: '1900000100' }, { ...partner(), sp_mchid: 5 });

      let accepted = 0;
      for (const variant of variants) {
        if (isConformingTransaction(variant)) {
          accepted += 1;
          expect({ variant, dto: dtoAccepts(variant) }).toEqual({ variant, dto: true });
        }
      }
      expect(accepted).toBeGreaterThan(10);
      expect(accepted).toBeLessThan(variants.length);
    });
  });
});
