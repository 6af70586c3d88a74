import {
  AccessTokenRefreshError,
  WechatApiError,
  WechatAuthConfigError,
  WechatDeadlineExceededError,
  WechatHttpError,
  WechatNetworkError,
  WechatValidationError,
} from '@app/wechat-auth';
import { classifyLookupFailure } from './lookup-outcome';

const PATH = '/wxa/getpaidunionid';

describe('classifyLookupFailure (from the errors’ own retryable)', () => {
  it.each([-1, 45011, 40001, 40014, 42001])(
    'retries errcode %i while the window is open',
    (code) => {
      expect(classifyLookupFailure(new WechatApiError(code, 'x', PATH))).toMatchObject({
        kind: 'retry',
        errcode: code,
      });
    },
  );

  it.each([40003, 89002, 89300, 40097])('ends the payment on errcode %i', (code) => {
    expect(classifyLookupFailure(new WechatApiError(code, 'x', PATH))).toMatchObject({
      kind: 'terminal',
      errcode: code,
    });
  });

  it('retries token trouble, 5xx, network failures and a passed deadline', () => {
    for (const error of [
      new AccessTokenRefreshError('wx0123456789abcdef', 40125, 'invalid appsecret', PATH),
      new WechatHttpError(PATH, 502),
      new WechatNetworkError(PATH, 'ECONNRESET', 'socket hang up', -1),
      new WechatDeadlineExceededError(PATH),
    ]) {
      expect(classifyLookupFailure(error).kind).toBe('retry');
    }
  });

  it('keeps the errcode WeChat answered before a transport failure', () => {
    const error = new WechatNetworkError(PATH, 'ETIMEDOUT', 'timeout', -1);
    expect(error.lastErrcode).toBe(-1);
    expect(classifyLookupFailure(error)).toMatchObject({ kind: 'retry', errcode: -1 });
  });

  it('ends the payment on a bad query, a bad configuration or an HTTP 4xx', () => {
    for (const error of [
      new WechatValidationError(['openid must not be empty']),
      new WechatAuthConfigError(['appId wx00 is not configured']),
      new WechatHttpError(PATH, 404),
    ]) {
      expect(classifyLookupFailure(error).kind).toBe('terminal');
    }
  });
});
