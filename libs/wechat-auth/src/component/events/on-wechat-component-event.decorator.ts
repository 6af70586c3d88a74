import { SetMetadata } from '@nestjs/common';
import { WECHAT_COMPONENT_EVENT_METADATA } from './component-events.constants';

/**
 * Makes a provider method a handler of the third-party platform's authorisation events, called
 * after the module has acted on them (ticket stored, authorisation code exchanged and refresh
 * token stored, revoked authoriser forgotten). Handlers run one after the other; one that throws
 * makes the route answer `500`, so WeChat pushes the event again: handlers must be idempotent.
 *
 * ```ts
 * @Injectable()
 * export class Merchants {
 *   @OnWechatComponentEvent(['authorized', 'updateauthorized'])
 *   async onAuthorized(event: WechatComponentAuthorizedEvent): Promise<void> { ... }
 *
 *   @OnWechatComponentEvent('unauthorized')
 *   async onRevoked(event: WechatComponentUnauthorizedEvent): Promise<void> { ... }
 * }
 * ```
 *
 * @param infoType `'component_verify_ticket'`, `'authorized'`, `'updateauthorized'`,
 *   `'unauthorized'`, any other InfoType, several, or `'*'` for every event.
 * @throws TypeError when no non-empty InfoType is given or the method is static.
 * @publicApi
 */
export function OnWechatComponentEvent(infoType: string | readonly string[]): MethodDecorator {
  const infoTypes: readonly string[] = typeof infoType === 'string' ? [infoType] : infoType;
  if (
    !Array.isArray(infoTypes) ||
    infoTypes.length === 0 ||
    infoTypes.some((type) => typeof type !== 'string' || type.trim() === '')
  ) {
    throw new TypeError('@OnWechatComponentEvent() needs an InfoType, several, or "*"');
  }
  const metadata = Object.freeze([...new Set(infoTypes)]);
  return (target, key, descriptor) => {
    if (typeof target === 'function') {
      throw new TypeError(
        `@OnWechatComponentEvent() cannot decorate the static method ${target.name}.${String(key)}`,
      );
    }
    SetMetadata(WECHAT_COMPONENT_EVENT_METADATA, metadata)(target, key, descriptor);
  };
}
