import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
} from '../interfaces/resolved-options.interface';
import {
  noDefaultAppMessage,
  platformIsNoAppMessage,
  unknownAppMessage,
} from '../wechat-auth.messages';

const APP_ID = /^wx[0-9a-zA-Z]{16}$/;

/**
 * The configured app named `appId`, or the default app. With a third-party platform, any other
 * well-formed appId is one of its authorisers (they come and go at runtime).
 */
export function resolveApp(options: ResolvedWechatAuthOptions, appId?: string): ResolvedWechatApp {
  if (appId === undefined) {
    if (!options.defaultApp) {
      throw new WechatAuthConfigError(['appId is required'], noDefaultAppMessage);
    }
    return options.defaultApp;
  }
  const app = options.apps.get(appId);
  if (app) {
    return app;
  }
  const component = options.component;
  if (component && appId === component.componentAppId) {
    throw new WechatAuthConfigError(['appId is the platform'], platformIsNoAppMessage(appId));
  }
  if (!component || !APP_ID.test(appId)) {
    throw new WechatAuthConfigError([`appId ${appId} is not configured`], unknownAppMessage(appId));
  }
  return { appId, tokenMode: 'component', apiBaseUrl: component.apiBaseUrl };
}

/** The platform's own token source (component_access_token), used only for component calls. */
export function platformApp(options: ResolvedWechatAuthOptions): ResolvedWechatApp {
  const component = options.component!;
  return {
    appId: component.componentAppId,
    tokenMode: 'component',
    apiBaseUrl: component.apiBaseUrl,
  };
}

/** Store key of an app's token: tokens of different modes are isolated at WeChat, so here too. */
export const tokenKey = (app: ResolvedWechatApp): string => `${app.tokenMode}:${app.appId}`;
