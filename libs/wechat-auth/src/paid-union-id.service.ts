import { Injectable } from '@nestjs/common';
import { WechatApiClient } from './client/wechat-api.client';
import { WechatUnexpectedResponseError } from './errors/wechat-transport.error';
import type {
  PaidUnionIdQuery,
  WechatCallOptions,
} from './interfaces/paid-union-id-query.interface';
import { validatePaidUnionIdQuery } from './validation/validate-paid-union-id-query';

const PATH = '/wxa/getpaidunionid';

/**
 * Turns a payment into the payer's unionid with `GET /wxa/getpaidunionid`, which WeChat answers
 * only within 5 minutes after the payment.
 *
 * @publicApi
 */
@Injectable()
export class PaidUnionIdService {
  constructor(private readonly api: WechatApiClient) {}

  /**
   * @param query the payer's `openid` and either `transactionId` or `mchId` + `outTradeNo`
   * @param options `deadline` (epoch ms): no retry is scheduled past it, nor any token awaited
   * @returns the payer's unionid
   * @throws WechatValidationError bad input (before any HTTP call)
   * @throws WechatApiError (or a subclass: WechatInvalidOpenidError 40003,
   * WechatOpenPlatformNotBoundError 89002, WechatInvalidTradeError 89300, AccessTokenRefreshError)
   * @throws WechatHttpError, WechatNetworkError after retries
   * @throws WechatDeadlineExceededError the deadline passed before the first attempt, or while
   * waiting for an access token
   */
  async getPaidUnionId(query: PaidUnionIdQuery, options: WechatCallOptions = {}): Promise<string> {
    const valid = validatePaidUnionIdQuery(query);
    const answer = await this.api.get(
      PATH,
      {
        openid: valid.openid,
        transaction_id: valid.transactionId,
        mch_id: valid.mchId,
        out_trade_no: valid.outTradeNo,
      },
      { appId: valid.appId, deadline: options.deadline },
    );
    if (typeof answer.unionid !== 'string' || answer.unionid === '') {
      throw new WechatUnexpectedResponseError(PATH, 'errcode 0 without a unionid');
    }
    return answer.unionid;
  }
}
