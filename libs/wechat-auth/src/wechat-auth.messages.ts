/** Message texts of the library's errors and logs. None of them may include a secret. */

export const invalidOptionsMessage = (problems: string[]): string =>
  `Invalid WechatAuthModule options: ${problems.join('; ')}`;

export const invalidQueryMessage = (problems: string[]): string =>
  `Invalid getPaidUnionId query: ${problems.join('; ')}`;

export const unknownAppMessage = (appId: string): string =>
  `appId ${appId} is not configured in WechatAuthModule (add it to \`apps\`)`;

export const apiErrorMessage = (path: string, errcode: number, errmsg: string): string => {
  const hint = API_ERROR_HINTS[errcode];
  return `WeChat ${path} failed with errcode ${errcode} (${errmsg})${hint ? `: ${hint}` : ''}`;
};

const API_ERROR_HINTS: Record<number, string> = {
  [-1]: 'WeChat is busy; retried until the retry budget or deadline ran out',
  40001:
    'the access_token was rejected even after one refresh; check that no other process refreshes the classic token or force-refreshes the stable token',
  40003:
    "the openid is wrong or does not belong to this appid, or does not match the payment's payer",
  40014: 'the access_token is malformed',
  42001: 'the access_token expired',
  45011: 'per-minute API quota reached; slow down',
  48001: 'this account may not call the API (is the mini program verified?)',
  89002: 'the mini program is not bound to a WeChat Open Platform account, so it has no unionid',
  89300: 'invalid trade: wrong transaction/openid pairing, or more than 5 minutes after payment',
  61003:
    'the mini program has not authorised this third-party platform, or revoked the authorisation (it must authorise again)',
  61004:
    "the server IP is not in the third-party platform's IP whitelist (Open Platform console, development settings)",
  61005:
    'the component_verify_ticket is expired: check that pushes reach the authorisation-event URL (one comes every 10 minutes)',
  61006:
    'the component_verify_ticket is invalid: check that the ticket store belongs to this componentAppId',
  61007:
    'the mini program did not grant this permission set to the platform (getpaidunionid needs set 18, which only one platform can hold)',
  61011: 'invalid componentAppId, or the platform is not approved',
  61023:
    "the authoriser's refresh token is invalid even after reading the authoriser list; the mini program must authorise again",
  61024: 'a third-party platform appid must use api_component_token, not /cgi-bin/token',
};

export const tokenFetchMessage = (
  appId: string,
  reason: string,
  errcode: number,
  errmsg: string,
  ip?: string,
): string => {
  const what: Record<string, string> = {
    'invalid-appid': `appId ${appId} is not a valid mini program appid`,
    'invalid-secret': `the AppSecret configured for ${appId} is wrong (was it reset in the console?)`,
    'ip-not-whitelisted': `the server IP${ip ? ` ${ip}` : ''} is not in the API IP whitelist of ${appId}; add it in the mini program console`,
    'quota-exceeded': `the daily token quota of ${appId} is used up; stop fetching tokens and reset it with clear_quota`,
    'risky-ip': `WeChat asks the administrator of ${appId} to confirm token fetches from this IP`,
    other: `could not fetch an access_token for ${appId}`,
  };
  return `${what[reason] ?? what.other} (errcode ${errcode}: ${errmsg})`;
};

export const httpErrorMessage = (path: string, status: number): string =>
  `WeChat ${path} answered HTTP ${status}`;

export const networkErrorMessage = (path: string, detail: string): string =>
  `WeChat ${path} could not be reached: ${detail}`;

export const unexpectedResponseMessage = (path: string, detail: string): string =>
  `WeChat ${path} answered unexpectedly: ${detail}`;

export const deadlinePassedMessage = (path: string): string =>
  `WeChat ${path} was not called: the deadline has already passed`;

export const tokenDeadlineMessage = (appId: string): string =>
  `no access_token of ${appId} before the deadline, so the WeChat API was not called`;

export const abandonedFetchMessage = (path: string): string =>
  `WeChat ${path}: abandoned, no caller waits for the answer any more`;

export const insecureApiBaseUrlMessage = (field: string, tokenMode: string): string =>
  `${field} must be https: (plain http: only for a loopback host, or in tokenMode 'cloud'): ` +
  `tokenMode '${tokenMode}' sends the AppSecret, which would travel in clear`;

export const externalTokenMessage = (appId: string, detail: string): string =>
  `the external token source for ${appId} failed: ${detail}`;

export const unknownOptionMessage = (path: string, suggestion?: string): string =>
  `${path} is not a WechatAuthModule option${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;

export const misplacedExtraMessage = (key: string): string =>
  `${key} is not an option the factory may return: give it to forRootAsync itself`;

export const moduleLevelOptionMessage = (path: string): string =>
  `${path} is not a per-app option: set it on the module`;

export const unusedExternalTokenMessage = (where: string, tokenMode: string): string =>
  `${where}externalToken is never called in tokenMode '${tokenMode}' (leave tokenMode out, or set 'external')`;

export const tokenFetchPausedMessage = (appId: string, pauseMs: number): string =>
  `Token fetches of ${appId} paused for ${pauseMs} ms after a failure; calls until then reject with the same error`;

/** What `WechatErrorFilter` tells HTTP clients about a server-side failure (details go to the log). */
export const HTTP_FAILURE_MESSAGES = {
  token: 'no WeChat access token could be obtained',
  config: 'the WeChat integration is not configured for this request',
  busy: 'WeChat is busy; try again later',
  unreachable: 'WeChat could not be reached; try again later',
  timeout: 'WeChat did not answer in time',
  upstream: 'WeChat answered with an error',
  internal: 'the WeChat integration failed',
} as const;

export const componentStoreMessage =
  'component.store must be a WechatComponentStore (getTicket, saveTicket, getAuthorizer, saveAuthorizer)';

export const componentAppIdClashMessage =
  'component.componentAppId is the third-party platform, not a mini program: it cannot also be in `apps`';

export const noDefaultAppMessage =
  'no appId given and WechatAuthModule configures no app of its own: name the authoriser (appId)';

export const platformIsNoAppMessage = (appId: string): string =>
  `appId ${appId} is the third-party platform itself; name the mini program that authorised it`;

export const componentTicketMissingMessage = (componentAppId: string): string =>
  `no component_verify_ticket stored for ${componentAppId} yet: WeChat pushes one every 10 minutes ` +
  'to the authorisation-event URL; check that componentEventsPath is served there and the store is shared';

export const authorizerUnknownErrmsg =
  'component is not authorized by this account (not in the stored authorisers nor in api_get_authorizer_list)';

export const authorizerRevokedErrmsg =
  'component is not authorized by this account (the unauthorized event was received)';
