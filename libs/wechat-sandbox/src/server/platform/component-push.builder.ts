import { randomInt, timingSafeEqual } from 'node:crypto';
import { SandboxInputError } from '../errors';
import type {
  ComponentMessagePlaintext,
  ComponentPush,
  ComponentPushInput,
  ComponentPushOpenInput,
} from '../interfaces';
import {
  componentMsgSignature,
  componentSignature,
  decryptComponentMessage,
  encryptComponentMessage,
} from './component-message.crypto';

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Puts text in CDATA; a `]]>` inside is split across two sections. */
function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/**
 * Builds the plaintext XML of an event as WeChat writes it: `<xml>` with one element per field,
 * in the given order; strings in CDATA, numbers bare (e.g. `CreateTime`).
 *
 * @example
 * buildComponentEventXml({ AppId: 'wx...', CreateTime: 1700000000,
 *   InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@...' })
 *
 * @publicApi
 */
export function buildComponentEventXml(fields: Record<string, string | number>): string {
  const elements = Object.entries(fields).map(([name, value]) => {
    if (!XML_NAME.test(name)) throw new SandboxInputError(`${name} is not an XML element name`);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new SandboxInputError(`${name} must be a finite number`);
      return `<${name}>${value}</${name}>`;
    }
    if (typeof value !== 'string')
      throw new SandboxInputError(`${name} must be a string or number`);
    return `<${name}>${cdata(value)}</${name}>`;
  });
  return `<xml>${elements.join('')}</xml>`;
}

/**
 * Builds a push to a third-party platform's authorisation-event URL exactly as WeChat sends it:
 * the XML encrypted under the EncodingAESKey, wrapped in `<xml><AppId/><Encrypt/></xml>`, and the
 * query `signature`, `timestamp`, `nonce`, `encrypt_type=aes`, `msg_signature`. POST `body` with
 * Content-Type `text/xml` to the URL with `query` appended.
 *
 * @publicApi
 */
export function buildComponentPush(input: ComponentPushInput): ComponentPush {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? String(randomInt(100_000_000, 2_147_483_647));
  const encrypt = encryptComponentMessage({
    encodingAesKey: input.encodingAesKey,
    componentAppId: input.componentAppId,
    message: input.xml,
    random: input.random,
  });
  return {
    query: {
      signature: componentSignature(input.token, timestamp, nonce),
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: componentMsgSignature(input.token, timestamp, nonce, encrypt),
    },
    body: `<xml><AppId>${cdata(input.componentAppId)}</AppId><Encrypt>${cdata(encrypt)}</Encrypt></xml>`,
    encrypt,
  };
}

/**
 * What a receiver does with a push (the inverse of {@link buildComponentPush}): checks
 * `msg_signature` over the body's `Encrypt`, decrypts it and checks the trailing AppID. Throws
 * `SandboxInputError` on any mismatch.
 *
 * @publicApi
 */
export function openComponentPush(input: ComponentPushOpenInput): ComponentMessagePlaintext {
  const { timestamp, nonce, msg_signature: msgSignature } = input.query;
  if (!timestamp || !nonce || !msgSignature) {
    throw new SandboxInputError('the push query needs timestamp, nonce and msg_signature');
  }
  const encrypt = readComponentXmlField(input.body, 'Encrypt');
  if (encrypt === undefined) throw new SandboxInputError('the push body has no Encrypt element');
  const expected = Buffer.from(componentMsgSignature(input.token, timestamp, nonce, encrypt));
  const received = Buffer.from(msgSignature);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    throw new SandboxInputError('msg_signature does not match');
  }
  return decryptComponentMessage({
    encodingAesKey: input.encodingAesKey,
    encrypt,
    componentAppId: input.componentAppId,
  });
}

/**
 * The text of the first `<name>` element of a flat WeChat XML message (CDATA or plain text).
 * Enough for the messages WeChat pushes; not a general XML parser.
 *
 * @publicApi
 */
export function readComponentXmlField(xml: string, name: string): string | undefined {
  if (!XML_NAME.test(name)) throw new SandboxInputError(`${name} is not an XML element name`);
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  if (!match) return undefined;
  const inner = match[1];
  const sections = [...inner.matchAll(/<!\[CDATA\[([\s\S]*?)]]>/g)];
  return sections.length > 0 ? sections.map((section) => section[1]).join('') : inner;
}
