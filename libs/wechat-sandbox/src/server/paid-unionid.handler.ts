import { answerWithFault } from './fault-response.util';
import { sendJson } from './http-io.util';
import type { SandboxPayment } from './interfaces';
import { PAID_UNIONID_FUNC_ID } from './platform/component.constants';
import type { SandboxContext, SandboxExchange } from './sandbox.context';
import { wechatError } from './wechat-error.util';

/** getpaidunionid only works within this long after payment. */
export const PAID_UNIONID_WINDOW_MS = 5 * 60 * 1000;

type LookupOutcome = { payment: SandboxPayment } | { errcode: number };

/**
 * `GET /wxa/getpaidunionid?access_token=&openid=&transaction_id=` (or `&mch_id=&out_trade_no=`).
 */
export async function handlePaidUnionid(ctx: SandboxContext, ex: SandboxExchange): Promise<void> {
  ctx.counters.lookup(transactionKey(ctx, ex.query));
  if (!(await ctx.faults.holdLookup(ex.stopSignal))) return;
  const fault = ctx.faults.nextLookupFault();
  if (fault !== undefined) {
    answerWithFault(fault, ex, ctx.clock.now());
    return;
  }
  const outcome = lookUp(ctx, ex.query);
  if ('errcode' in outcome) {
    sendJson(ex.res, 200, wechatError(outcome.errcode, ctx.clock.now()));
    return;
  }
  ctx.counters.successfulLookup(outcome.payment.transactionId);
  sendJson(ex.res, 200, { unionid: outcome.payment.unionid, errcode: 0, errmsg: 'ok' });
}

/** The key for `lookupsByTransaction`; payments found by out_trade_no count under their transaction_id. */
function transactionKey(ctx: SandboxContext, query: Record<string, string>): string | undefined {
  const { transaction_id: transactionId, mch_id: mchId, out_trade_no: outTradeNo } = query;
  if (transactionId) return transactionId;
  if (!mchId || !outTradeNo) return undefined;
  return (
    ctx.payments.findByOutTradeNo(mchId, outTradeNo)?.transactionId ?? `${mchId}:${outTradeNo}`
  );
}

function lookUp(ctx: SandboxContext, query: Record<string, string>): LookupOutcome {
  const caller = callingApp(ctx, query.access_token);
  if ('errcode' in caller) return caller;
  const { openid, transaction_id: transactionId, mch_id: mchId, out_trade_no: outTradeNo } = query;
  if (!openid) return { errcode: 47001 };
  const byTransaction = Boolean(transactionId);
  const byOutTradeNo = Boolean(mchId) || Boolean(outTradeNo);
  // Exactly one selector, and mch_id only together with out_trade_no.
  if (byTransaction === byOutTradeNo || (byOutTradeNo && (!mchId || !outTradeNo))) {
    return { errcode: 47001 };
  }
  const payment = byTransaction
    ? ctx.payments.findByTransactionId(transactionId)
    : ctx.payments.findByOutTradeNo(mchId, outTradeNo);
  if (!payment) return { errcode: 89300 };
  if (payment.openid !== openid) return { errcode: 40003 };
  if (payment.appId !== caller.appId) return { errcode: 89300 };
  if (!ctx.apps.isOpenPlatformBound(caller.appId)) return { errcode: 89002 };
  if (ctx.clock.now() - payment.paidAt > PAID_UNIONID_WINDOW_MS) return { errcode: 89300 };
  return { payment };
}

function callingApp(
  ctx: SandboxContext,
  accessToken: string | undefined,
): { appId: string } | { errcode: number } {
  if (!accessToken) {
    // Cloud Hosting's open-API link injects the credentials itself.
    const cloudAppId = ctx.apps.cloudAppId;
    return cloudAppId === undefined ? { errcode: 41001 } : { appId: cloudAppId };
  }
  const check = ctx.tokens.check(accessToken);
  if (check.ok) return { appId: check.appId };
  // A third-party platform calling on behalf of a mini program (authorizer_access_token).
  const authorizer = ctx.authorizations.checkAccessToken(accessToken);
  if (authorizer === undefined) return { errcode: check.errcode };
  if (!authorizer.ok) return { errcode: authorizer.errcode };
  if (!authorizer.funcIds.includes(PAID_UNIONID_FUNC_ID)) return { errcode: 61007 };
  return { appId: authorizer.appId };
}
