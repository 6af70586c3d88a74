import { WechatComponentMessageError } from '../../errors/wechat-component-message.error';

/** As the module options check app ids (`validation/wechat-auth-options.schema.ts`). */
const APP_ID = /^wx[0-9a-zA-Z]{16}$/;
const DIGITS = /^[0-9]{1,12}$/;
/** InfoType values are short snake_case words; anything else is refused (it gets logged). */
const INFO_TYPE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * `component_verify_ticket`: WeChat's ticket for the platform, pushed every 10 minutes and valid
 * 12 hours; needed to fetch the component_access_token.
 *
 * @publicApi
 */
export interface WechatComponentVerifyTicketEvent {
  readonly infoType: 'component_verify_ticket';
  /** The platform's appid (checked against the configured one). */
  readonly componentAppId: string;
  /** `CreateTime`: when WeChat made the push, in seconds since the epoch. */
  readonly createTime: number;
  /** `ComponentVerifyTicket`, opaque. A secret: never log it. */
  readonly ticket: string;
}

/**
 * `authorized` (a mini program authorised the platform) or `updateauthorized` (it changed the
 * permission sets it grants). The code is exchanged with `api_query_auth` for the refresh token.
 *
 * @publicApi
 */
export interface WechatComponentAuthorizedEvent {
  readonly infoType: 'authorized' | 'updateauthorized';
  readonly componentAppId: string;
  /** `CreateTime`, in seconds since the epoch. */
  readonly createTime: number;
  /** `AuthorizerAppid`: the mini program (or official account). */
  readonly authorizerAppId: string;
  /** `AuthorizationCode`, single-use. A secret: never log it. */
  readonly authorizationCode: string;
  /**
   * `AuthorizationCodeExpiredTime` when it is a whole number ("in seconds"; WeChat does not say
   * whether a duration or a time). Absent when WeChat sent none or something else.
   */
  readonly authorizationCodeExpiredTime?: number;
  /** `PreAuthCode`: the pre-authorisation code the authorisation page was opened with. */
  readonly preAuthCode?: string;
}

/**
 * `unauthorized`: the mini program revoked the platform's authorisation.
 *
 * @publicApi
 */
export interface WechatComponentUnauthorizedEvent {
  readonly infoType: 'unauthorized';
  readonly componentAppId: string;
  /** `CreateTime`, in seconds since the epoch. */
  readonly createTime: number;
  /** `AuthorizerAppid`: the mini program that revoked. */
  readonly authorizerAppId: string;
}

/**
 * Any other `InfoType` (e.g. `notify_third_fasteregister`): its fields as WeChat sent them.
 * Not an error: WeChat adds notices over time.
 *
 * @publicApi
 */
export interface WechatComponentOtherEvent {
  readonly infoType: string;
  readonly componentAppId: string;
  /** `CreateTime`, in seconds since the epoch. */
  readonly createTime: number;
  /**
   * Every element of the decrypted message by name (`InfoType`, `AppId` and `CreateTime` too);
   * the children of an element holding elements as `parent.child` (e.g. `info.name`).
   */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * The events the module acts on; `switch (event.infoType)` narrows them.
 *
 * @publicApi
 */
export type WechatComponentKnownEvent =
  | WechatComponentVerifyTicketEvent
  | WechatComponentAuthorizedEvent
  | WechatComponentUnauthorizedEvent;

/**
 * A verified, decrypted push of the authorisation-event URL. Because `WechatComponentOtherEvent`
 * has a `string` InfoType, TypeScript narrows the union only after
 * {@link isKnownWechatComponentEvent} (or `'fields' in event`) set the other events aside.
 *
 * @publicApi
 */
export type WechatComponentEvent = WechatComponentKnownEvent | WechatComponentOtherEvent;

const KNOWN_INFO_TYPES: ReadonlySet<string> = new Set([
  'component_verify_ticket',
  'authorized',
  'updateauthorized',
  'unauthorized',
]);

/**
 * Whether the event is one of the typed ones (not a `WechatComponentOtherEvent`):
 * ```ts
 * if (!isKnownWechatComponentEvent(event)) return;
 * switch (event.infoType) { case 'component_verify_ticket': use(event.ticket); ... }
 * ```
 *
 * @publicApi
 */
export function isKnownWechatComponentEvent(
  event: WechatComponentEvent,
): event is WechatComponentKnownEvent {
  return KNOWN_INFO_TYPES.has(event.infoType) && !('fields' in event);
}

/**
 * The typed event of a decrypted message's fields.
 *
 * @param componentAppId the appid the message was encrypted for (already checked)
 * @throws WechatComponentMessageError `invalid-event` when a field the InfoType needs is
 *   missing or badly formed, `appid-mismatch` when `AppId` names another platform
 */
export function toWechatComponentEvent(
  fields: Readonly<Record<string, string>>,
  componentAppId: string,
): WechatComponentEvent {
  const infoType = fields.InfoType;
  if (infoType === undefined || !INFO_TYPE.test(infoType)) {
    throw invalid('InfoType is missing or not a word');
  }
  const appId = fields.AppId;
  if (appId !== undefined && appId !== componentAppId) {
    throw new WechatComponentMessageError(
      'appid-mismatch',
      `the message's AppId ${printableAppId(appId)} is not the configured componentAppId ${componentAppId}`,
    );
  }
  const createTime = fields.CreateTime;
  if (createTime === undefined || !DIGITS.test(createTime)) {
    throw invalid(`CreateTime of ${infoType} is missing or not a number of seconds`);
  }
  const base = { componentAppId, createTime: Number(createTime) };

  switch (infoType) {
    case 'component_verify_ticket':
      return { infoType, ...base, ticket: required(fields, 'ComponentVerifyTicket', infoType) };
    case 'authorized':
    case 'updateauthorized': {
      const expiredTime = fields.AuthorizationCodeExpiredTime;
      const preAuthCode = fields.PreAuthCode;
      return {
        infoType,
        ...base,
        authorizerAppId: authorizerAppId(fields, infoType),
        authorizationCode: required(fields, 'AuthorizationCode', infoType),
        ...(expiredTime !== undefined &&
          DIGITS.test(expiredTime) && { authorizationCodeExpiredTime: Number(expiredTime) }),
        ...(preAuthCode !== undefined && preAuthCode !== '' && { preAuthCode }),
      };
    }
    case 'unauthorized':
      return { infoType, ...base, authorizerAppId: authorizerAppId(fields, infoType) };
    default:
      return { infoType, ...base, fields };
  }
}

function required(
  fields: Readonly<Record<string, string>>,
  name: string,
  infoType: string,
): string {
  const value = fields[name];
  if (value === undefined || value === '') throw invalid(`${name} of ${infoType} is missing`);
  return value;
}

function authorizerAppId(fields: Readonly<Record<string, string>>, infoType: string): string {
  const value = fields.AuthorizerAppid;
  if (value === undefined || !APP_ID.test(value)) {
    throw invalid(`AuthorizerAppid of ${infoType} is missing or not an appid`);
  }
  return value;
}

/** An appid from the message, quoted only when it looks like one. */
export function printableAppId(value: string): string {
  return APP_ID.test(value) ? value : '(not an appid)';
}

function invalid(detail: string): WechatComponentMessageError {
  return new WechatComponentMessageError('invalid-event', detail);
}
