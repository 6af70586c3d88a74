import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';

/**
 * Injects `req.rawBody`: the body exactly as received (a `Buffer`), or `undefined` when the app
 * was not created with `rawBody: true` or no JSON/urlencoded parser took the request. For a
 * controller of your own that calls `WechatPayNotificationService.verifyAndDecrypt`.
 *
 * ```ts
 * @Post('wechatpay/notify')
 * notify(@Headers() headers: WechatPayNotificationHeaders, @WechatPayRawBody() rawBody: Buffer | undefined) {
 *   const notification = this.notifications.verifyAndDecrypt(headers, rawBody);
 * }
 * ```
 * @publicApi
 */
export const WechatPayRawBody: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Buffer | undefined => {
    const { rawBody } = context.switchToHttp().getRequest<{ rawBody?: unknown }>();
    return Buffer.isBuffer(rawBody) ? rawBody : undefined;
  },
);
