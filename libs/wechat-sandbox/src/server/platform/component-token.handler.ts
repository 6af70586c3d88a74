import { componentHandler, text } from './component-endpoint.util';

/**
 * `POST /cgi-bin/component/api_component_token` with `{component_appid, component_appsecret,
 * component_verify_ticket}`: a new `component_access_token` on every call.
 */
export const handleComponentToken = componentHandler({
  counter: 'componentTokenFetches',
  authenticated: false,
  stringFields: ['component_appsecret', 'component_verify_ticket'],
  serve(ctx, fields, componentAppId) {
    const secret = text(fields, 'component_appsecret');
    if (secret === undefined) return { errcode: 41004 };
    const errcode = ctx.components.credentialError(
      componentAppId,
      secret,
      text(fields, 'component_verify_ticket'),
      ctx.apps.has(componentAppId),
    );
    return errcode === undefined ? ctx.components.issueToken(componentAppId) : { errcode };
  },
});

/** `POST /cgi-bin/component/api_create_preauthcode?component_access_token=` with `{component_appid}`. */
export const handleCreatePreAuthCode = componentHandler({
  counter: 'preAuthCodes',
  authenticated: true,
  serve: (ctx, _fields, componentAppId) => ctx.components.issuePreAuthCode(componentAppId),
});
