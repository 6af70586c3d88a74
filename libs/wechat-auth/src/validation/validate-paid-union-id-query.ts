import { validateSync } from 'class-validator';
import { WechatValidationError } from '../errors/wechat-validation.error';
import type { PaidUnionIdQuery } from '../interfaces/paid-union-id-query.interface';
import { PaidUnionIdQuerySchema } from './paid-union-id-query.schema';

/**
 * Checks a query before any network call: openid present, no empty strings, and exactly one
 * selector (`transactionId`, or `mchId` + `outTradeNo`).
 *
 * @throws WechatValidationError
 */
export function validatePaidUnionIdQuery(query: PaidUnionIdQuery): PaidUnionIdQuerySchema {
  if (typeof query !== 'object' || query === null) {
    throw new WechatValidationError(['query must be an object']);
  }
  // Object.assign, not class-transformer's plainToInstance: the query is already flat, and
  // plainToInstance cost more than the rest of the call's CPU outside HTTP (bench profile).
  const { openid, transactionId, mchId, outTradeNo, appId } = query as Partial<
    Record<keyof PaidUnionIdQuerySchema, unknown>
  >;
  const schema = Object.assign(new PaidUnionIdQuerySchema(), {
    openid,
    transactionId,
    mchId,
    outTradeNo,
    appId,
  });
  // The usual query (non-empty strings, the rest absent) passes the schema's rules as they
  // stand; class-validator runs for anything else and words the problems (it cost ~10 us a
  // call on the capture's hot path, bench profile).
  const plainlyValid =
    isFilled(openid) &&
    optionalFilled(transactionId) &&
    optionalFilled(mchId) &&
    optionalFilled(outTradeNo) &&
    optionalFilled(appId);
  const problems = plainlyValid
    ? []
    : validateSync(schema).map(
        (error) => `${error.property} ${Object.values(error.constraints ?? {})[0]}`,
      );
  const byTransaction = schema.transactionId !== undefined;
  const byOrder = schema.mchId !== undefined || schema.outTradeNo !== undefined;
  if (byTransaction && byOrder) {
    problems.push('give either transactionId or mchId + outTradeNo, not both');
  } else if (!byTransaction && !byOrder) {
    problems.push('give transactionId, or mchId + outTradeNo');
  } else if (byOrder && (schema.mchId === undefined || schema.outTradeNo === undefined)) {
    problems.push('mchId and outTradeNo go together');
  }
  if (problems.length > 0) {
    throw new WechatValidationError(problems);
  }
  return schema;
}

const isFilled = (value: unknown): boolean => typeof value === 'string' && value !== '';
const optionalFilled = (value: unknown): boolean => value === undefined || isFilled(value);
