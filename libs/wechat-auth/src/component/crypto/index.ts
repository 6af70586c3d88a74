export {
  isKnownWechatComponentEvent,
  type WechatComponentAuthorizedEvent,
  type WechatComponentEvent,
  type WechatComponentKnownEvent,
  type WechatComponentOtherEvent,
  type WechatComponentUnauthorizedEvent,
  type WechatComponentVerifyTicketEvent,
} from './component-events';
export {
  COMPONENT_MESSAGE_MAX_BYTES,
  WechatComponentMessageCrypto,
  type DecryptedWechatComponentMessage,
  type WechatComponentEncryptedMessage,
  type WechatComponentEncryptOptions,
  type WechatComponentMessageCryptoOptions,
  type WechatComponentPushQuery,
} from './component-message.crypto';
