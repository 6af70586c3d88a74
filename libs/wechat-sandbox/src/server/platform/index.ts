export {
  buildComponentEventXml,
  buildComponentPush,
  openComponentPush,
  readComponentXmlField,
} from './component-push.builder';
export {
  componentMsgSignature,
  componentSignature,
  decryptComponentMessage,
  encryptComponentMessage,
} from './component-message.crypto';
