import { createHash, randomInt } from 'node:crypto';
import { SandboxInputError } from './errors';
import type { SandboxClock, SandboxPayment, SandboxPaymentInput } from './interfaces';

/** The merchant id used when a payment names none. */
export const DEFAULT_MCH_ID = '1900000001';

/** The payments getpaidunionid can find, by transaction_id and by mch_id + out_trade_no. */
export class PaymentRegistry {
  private readonly byTransaction = new Map<string, SandboxPayment>();
  private readonly byOutTradeNo = new Map<string, SandboxPayment>();
  private generated = 0;

  constructor(
    private readonly clock: SandboxClock,
    private readonly defaultAppId: () => string | undefined,
  ) {}

  /** Registers a payment; throws if its transaction_id or mch_id + out_trade_no is taken. */
  register(input: SandboxPaymentInput): SandboxPayment {
    const appId = input.appId ?? this.defaultAppId();
    if (appId === undefined) {
      throw new SandboxInputError('payment.appId is required when the sandbox has no app');
    }
    const paidAt = input.paidAt ?? this.clock.now();
    const mchId = input.mchId ?? DEFAULT_MCH_ID;
    const payment: SandboxPayment = {
      openid: input.openid,
      unionid: input.unionid ?? deriveUnionid(input.openid),
      appId,
      mchId,
      transactionId: input.transactionId ?? this.newTransactionId(paidAt),
      outTradeNo: input.outTradeNo ?? this.newOutTradeNo(paidAt),
      paidAt,
    };
    if (this.byTransaction.has(payment.transactionId)) {
      throw new SandboxInputError(`transactionId ${payment.transactionId} is already registered`);
    }
    const outKey = outTradeKey(payment.mchId, payment.outTradeNo);
    if (this.byOutTradeNo.has(outKey)) {
      throw new SandboxInputError(
        `outTradeNo ${payment.outTradeNo} of mchId ${payment.mchId} is already registered`,
      );
    }
    this.byTransaction.set(payment.transactionId, payment);
    this.byOutTradeNo.set(outKey, payment);
    return { ...payment };
  }

  findByTransactionId(transactionId: string): SandboxPayment | undefined {
    return this.byTransaction.get(transactionId);
  }

  findByOutTradeNo(mchId: string, outTradeNo: string): SandboxPayment | undefined {
    return this.byOutTradeNo.get(outTradeKey(mchId, outTradeNo));
  }

  /** 28 digits like `4200001234` + yyyymmdd + 10 digits, as real transaction ids look. */
  private newTransactionId(paidAt: number): string {
    let id: string;
    do {
      id = `4200${digits(6)}${chinaDate(paidAt)}${digits(10)}`;
    } while (this.byTransaction.has(id));
    return id;
  }

  private newOutTradeNo(paidAt: number): string {
    this.generated += 1;
    return `SBX${chinaDate(paidAt)}${String(this.generated).padStart(8, '0')}${digits(4)}`;
  }
}

/** A stable, unionid-shaped (28 chars, starts with `o`) value for an openid. */
export function deriveUnionid(openid: string): string {
  const hash = createHash('sha256').update(`sandbox-unionid:${openid}`).digest('base64url');
  return `o${hash.slice(0, 27)}`;
}

function outTradeKey(mchId: string, outTradeNo: string): string {
  return `${mchId}\u0000${outTradeNo}`;
}

function digits(count: number): string {
  let text = '';
  for (let i = 0; i < count; i += 1) text += String(randomInt(10));
  return text;
}

/** yyyymmdd in China Standard Time (UTC+8), where WeChat Pay dates its ids. */
function chinaDate(epochMs: number): string {
  return new Date(epochMs + 8 * 3600 * 1000).toISOString().slice(0, 10).replace(/-/g, '');
}
