import { componentHandler, text } from './component-endpoint.util';

/** Most authorisers `api_get_authorizer_list` answers at once. */
export const AUTHORIZER_LIST_MAX_COUNT = 500;

/**
 * `POST /cgi-bin/component/api_query_auth?component_access_token=` with `{component_appid,
 * authorization_code}`: `{authorization_info}`; `61009` unknown / used / revoked code, `61010`
 * expired code.
 */
export const handleQueryAuth = componentHandler({
  counter: 'queryAuth',
  authenticated: true,
  stringFields: ['authorization_code'],
  serve(ctx, fields, componentAppId) {
    const code = text(fields, 'authorization_code');
    if (code === undefined) return { errcode: 61009 };
    const outcome = ctx.authorizations.redeemCode(componentAppId, code);
    return outcome.ok ? { authorization_info: outcome.info } : { errcode: outcome.errcode };
  },
});

/**
 * `POST /cgi-bin/component/api_authorizer_token?component_access_token=` with `{component_appid,
 * authorizer_appid, authorizer_refresh_token}`: `61003` not authorised (any more), `61023` wrong
 * or stale refresh token.
 */
export const handleAuthorizerToken = componentHandler({
  counter: 'authorizerTokenFetches',
  authenticated: true,
  stringFields: ['authorizer_appid', 'authorizer_refresh_token'],
  serve(ctx, fields, componentAppId) {
    const authorizerAppId = text(fields, 'authorizer_appid');
    if (authorizerAppId === undefined) return { errcode: 61003 };
    const outcome = ctx.authorizations.refresh(
      componentAppId,
      authorizerAppId,
      text(fields, 'authorizer_refresh_token'),
    );
    return outcome.ok ? outcome.grant : { errcode: outcome.errcode };
  },
});

/**
 * `POST /cgi-bin/component/api_get_authorizer_list?component_access_token=` with
 * `{component_appid, offset, count}` (`count` 1..500, else `47001`).
 */
export const handleAuthorizerList = componentHandler({
  counter: 'authorizerListCalls',
  authenticated: true,
  integerFields: ['offset', 'count'],
  serve(ctx, fields, componentAppId) {
    const { offset, count } = fields as { offset?: number; count?: number };
    if (
      offset === undefined ||
      count === undefined ||
      offset < 0 ||
      count < 1 ||
      count > AUTHORIZER_LIST_MAX_COUNT
    ) {
      return { errcode: 47001 };
    }
    return ctx.authorizations.list(componentAppId, offset, count);
  },
});
