import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
} from '../interfaces/resolved-options.interface';
import { unknownAppMessage } from '../wechat-auth.messages';

/** The configured app named `appId`, or the default app. */
export function resolveApp(options: ResolvedWechatAuthOptions, appId?: string): ResolvedWechatApp {
  if (appId === undefined) {
    return options.defaultApp;
  }
  const app = options.apps.get(appId);
  if (!app) {
    throw new WechatAuthConfigError([`appId ${appId} is not configured`], unknownAppMessage(appId));
  }
  return app;
}

/** Store key of an app's token: tokens of different modes are isolated at WeChat, so here too. */
export const tokenKey = (app: ResolvedWechatApp): string => `${app.tokenMode}:${app.appId}`;
