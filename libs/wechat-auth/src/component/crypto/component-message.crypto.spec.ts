import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { WechatAuthConfigError } from '../../errors/wechat-auth-config.error';
import {
  WechatComponentMessageError,
  type WechatComponentMessageFailure,
} from '../../errors/wechat-component-message.error';
import { WechatError } from '../../errors/wechat.error';
import {
  COMPONENT_MESSAGE_MAX_BYTES,
  WechatComponentMessageCrypto,
  isKnownWechatComponentEvent,
  type WechatComponentEncryptedMessage,
  type WechatComponentMessageCryptoOptions,
  type WechatComponentPushQuery,
} from './index';

// Official vectors (facts §9): WxJava's WxCryptUtilTest (A) and easywechat's EncryptorTest (B).
const VECTOR_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const VECTOR_TOKEN = 'pamtest';
const VECTOR_APPID = 'wxb11529c136998cb6';

const A = {
  timestamp: '1409304348',
  nonce: 'xxxxxx',
  random: 'aaaabbbbccccdddd',
  message: '我是中文abcd123',
  encrypt:
    'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  msgSignature: '82c962d39941aa48552f90ef55aa323dc620cc10',
};

const B = {
  msgSignature: '4f3ad57b6989f09f4eb392acce4f9e93942ed890',
  nonce: '260774613',
  timestamp: '1458300676',
  encrypt:
    'rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==',
  plaintext:
    '<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>',
};

// The platform of the specs.
const COMPONENT_APPID = 'wxc0c0c0c0c0c0c0c0';
const OTHER_APPID = 'wx2222222222222222';
const AUTHORIZER = 'wx1111111111111111';
const TOKEN = 'pushToken42';
const AES_KEY = 'Zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUT';
const OLD_AES_KEY = 'Q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c';
const NOW_MS = 1_764_547_200_000;
const NOW = String(NOW_MS / 1000);
const TICKET = 'ticket@@@SECRET-TICKET-VALUE-0123456789';
const CODE = 'queryauthcode@@@SECRET-CODE-VALUE';

function crypto(overrides: Partial<WechatComponentMessageCryptoOptions> = {}) {
  return new WechatComponentMessageCrypto({
    componentAppId: COMPONENT_APPID,
    token: TOKEN,
    encodingAesKey: AES_KEY,
    now: () => NOW_MS,
    ...overrides,
  });
}

function queryOf(message: WechatComponentEncryptedMessage): Record<string, string> {
  return {
    signature: 'not-checked',
    timestamp: message.timestamp,
    nonce: message.nonce,
    encrypt_type: 'aes',
    msg_signature: message.msgSignature,
  };
}

/** An independent msg_signature, as the facts define it. */
function sign(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1')
    .update([token, timestamp, nonce, encrypt].sort().join(''))
    .digest('hex');
}

function envelope(encrypt: string, head = `<AppId><![CDATA[${COMPONENT_APPID}]]></AppId>`): Buffer {
  return Buffer.from(`<xml>${head}<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
}

function signedQuery(encrypt: string, timestamp = NOW, nonce = '1234567890') {
  return {
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: sign(TOKEN, timestamp, nonce, encrypt),
  };
}

const SECRETS = [TOKEN, AES_KEY, OLD_AES_KEY, TICKET, CODE];

/** Runs `fn`, expects a refusal with `reason` whose message quotes no secret. */
function refusal(
  fn: () => unknown,
  reason: WechatComponentMessageFailure,
  alsoSecret: string[] = [],
): WechatComponentMessageError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WechatComponentMessageError);
  const error = thrown as WechatComponentMessageError;
  expect(error).toBeInstanceOf(WechatError);
  expect({ reason: error.reason, message: error.message }).toEqual({
    reason,
    message: expect.stringMatching(/^Component push refused \(/) as unknown,
  });
  expect(error.name).toBe('WechatComponentMessageError');
  expect(error.retryable).toBe(false);
  for (const secret of [...SECRETS, ...alsoSecret]) expect(error.message).not.toContain(secret);
  return error;
}

const ticketXml = (createTime = '1764547000', ticket = TICKET) =>
  `<xml><AppId><![CDATA[${COMPONENT_APPID}]]></AppId><CreateTime>${createTime}</CreateTime>` +
  `<InfoType><![CDATA[component_verify_ticket]]></InfoType>` +
  `<ComponentVerifyTicket><![CDATA[${ticket}]]></ComponentVerifyTicket></xml>`;

describe('WechatComponentMessageCrypto', () => {
  describe('official vectors', () => {
    const vector = (overrides: Partial<WechatComponentMessageCryptoOptions> = {}) =>
      new WechatComponentMessageCrypto({
        componentAppId: VECTOR_APPID,
        token: VECTOR_TOKEN,
        encodingAesKey: VECTOR_KEY,
        ...overrides,
      });

    it('A: encrypts with a fixed random to the expected Encrypt and msg_signature', () => {
      const result = vector().encrypt(A.message, {
        random: Buffer.from(A.random),
        timestamp: A.timestamp,
        nonce: A.nonce,
      });
      expect(result).toMatchObject({
        encrypt: A.encrypt,
        msgSignature: A.msgSignature,
        timestamp: A.timestamp,
        nonce: A.nonce,
      });
      expect(sign(VECTOR_TOKEN, A.timestamp, A.nonce, A.encrypt)).toBe(A.msgSignature);
      expect(result.envelope).toBe(
        `<xml><AppId><![CDATA[${VECTOR_APPID}]]></AppId><Encrypt><![CDATA[${A.encrypt}]]></Encrypt></xml>`,
      );
    });

    it('A: decrypts back to the message', () => {
      const subject = vector({ now: () => Number(A.timestamp) * 1000 });
      // The message is not XML: the decryption itself is reached through the private step.
      const decrypt = (subject as unknown as Record<string, (c: Buffer) => unknown>)['decrypt'];
      expect(decrypt.call(subject, Buffer.from(A.encrypt, 'base64'))).toEqual({
        xml: A.message,
        usedPreviousKey: false,
      });
      // The full path gets through signature and decryption, and stops at the XML.
      const query = {
        timestamp: A.timestamp,
        nonce: A.nonce,
        msg_signature: A.msgSignature,
      };
      const error = refusal(
        () => subject.verifyAndDecrypt(query, envelope(A.encrypt, '')),
        'malformed',
      );
      expect(error.message).toContain('the decrypted message');
    });

    it('B: verifies and decrypts the easywechat push', () => {
      const subject = vector({ now: () => Number(B.timestamp) * 1000 });
      const query = {
        timestamp: B.timestamp,
        nonce: B.nonce,
        encrypt_type: 'aes',
        msg_signature: B.msgSignature,
      };
      const message = subject.verifyAndDecrypt(
        query,
        envelope(B.encrypt, '<ToUserName><![CDATA[asdasdasd]]></ToUserName>'),
      );
      expect(message.xml).toBe(B.plaintext);
      expect(message).toMatchObject({
        appId: VECTOR_APPID,
        timestamp: Number(B.timestamp),
        usedPreviousKey: false,
      });
      expect({ ...message.fields }).toEqual({
        URL: 'http://wechat.laravel.so/server',
        ToUserName: 'asdasdasd',
        FromUserName: 'asdasdasdsadasd',
        CreateTime: '1234567898',
        MsgType: 'text',
        Content: 'hello',
        MsgId: '12345',
      });
      // Not an authorisation event: no InfoType.
      refusal(() => subject.decryptEvent(query, envelope(B.encrypt, '')), 'invalid-event');
    });

    it('B: refuses a wrong signature and another appid, as easywechat does', () => {
      const subject = vector({ now: () => Number(B.timestamp) * 1000 });
      const query = { timestamp: B.timestamp, nonce: B.nonce, msg_signature: B.msgSignature };
      refusal(
        () => subject.verifyAndDecrypt({ ...query, nonce: '260774614' }, envelope(B.encrypt, '')),
        'bad-signature',
      );
      const other = vector({ componentAppId: OTHER_APPID, now: () => Number(B.timestamp) * 1000 });
      const error = refusal(
        () => other.verifyAndDecrypt(query, envelope(B.encrypt, '')),
        'appid-mismatch',
      );
      expect(error.message).toContain(VECTOR_APPID);
    });

    it('B: is stale against the real clock (the default window)', () => {
      const query = { timestamp: B.timestamp, nonce: B.nonce, msg_signature: B.msgSignature };
      refusal(() => vector().verifyAndDecrypt(query, envelope(B.encrypt, '')), 'stale-timestamp');
    });
  });

  describe('round trips', () => {
    it('decrypts what it encrypts, with random values by default', () => {
      const subject = crypto();
      const first = subject.encrypt(ticketXml());
      const second = subject.encrypt(ticketXml());
      expect(first.encrypt).not.toBe(second.encrypt);
      expect(first.nonce).toMatch(/^[0-9]{10}$/);
      expect(first.timestamp).toBe(NOW);
      const message = subject.verifyAndDecrypt(queryOf(first), Buffer.from(first.envelope));
      expect(message).toMatchObject({ xml: ticketXml(), appId: COMPONENT_APPID });
    });

    it('pads to 32-byte blocks, a full block when aligned', () => {
      const subject = crypto();
      // random 16 + length 4 + appid 18 = 38 bytes around the message.
      for (const length of [0, 1, 25, 26, 27, 58, 200]) {
        const message = subject.encrypt('x'.repeat(length));
        const bytes = Buffer.from(message.encrypt, 'base64').length;
        expect(bytes % 32).toBe(0);
        expect(bytes - (38 + length)).toBeGreaterThanOrEqual(1);
        expect(bytes - (38 + length)).toBeLessThanOrEqual(32);
      }
    });

    it('accepts a push without encrypt_type, an upper-case signature and a ToUserName envelope', () => {
      const subject = crypto();
      const message = subject.encrypt(ticketXml());
      const query: Record<string, string> = {
        ...queryOf(message),
        msg_signature: message.msgSignature.toUpperCase(),
      };
      delete query.encrypt_type;
      const body = envelope(
        message.encrypt,
        '<ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>',
      );
      expect(subject.verifyAndDecrypt(query, body).xml).toBe(ticketXml());
    });

    it('returns each event type', () => {
      const subject = crypto();
      const push = (xml: string) => {
        const message = subject.encrypt(xml);
        return subject.decryptEvent(queryOf(message), Buffer.from(message.envelope));
      };
      const head = `<AppId><![CDATA[${COMPONENT_APPID}]]></AppId><CreateTime>1764547100</CreateTime>`;

      const ticket = push(ticketXml());
      expect(ticket).toEqual({
        infoType: 'component_verify_ticket',
        componentAppId: COMPONENT_APPID,
        createTime: 1764547000,
        ticket: TICKET,
      });
      expect(isKnownWechatComponentEvent(ticket)).toBe(true);

      for (const infoType of ['authorized', 'updateauthorized'] as const) {
        expect(
          push(
            `<xml>${head}<InfoType><![CDATA[${infoType}]]></InfoType>` +
              `<AuthorizerAppid><![CDATA[${AUTHORIZER}]]></AuthorizerAppid>` +
              `<AuthorizationCode><![CDATA[${CODE}]]></AuthorizationCode>` +
              '<AuthorizationCodeExpiredTime>1764550700</AuthorizationCodeExpiredTime>' +
              '<PreAuthCode><![CDATA[preauthcode@@@x]]></PreAuthCode></xml>',
          ),
        ).toEqual({
          infoType,
          componentAppId: COMPONENT_APPID,
          createTime: 1764547100,
          authorizerAppId: AUTHORIZER,
          authorizationCode: CODE,
          authorizationCodeExpiredTime: 1764550700,
          preAuthCode: 'preauthcode@@@x',
        });
      }
      // The optional fields may be missing; an expiry that is not a number is left out.
      expect(
        push(
          `<xml>${head}<InfoType>authorized</InfoType><AuthorizerAppid>${AUTHORIZER}</AuthorizerAppid>` +
            `<AuthorizationCode>${CODE}</AuthorizationCode>` +
            '<AuthorizationCodeExpiredTime>soon</AuthorizationCodeExpiredTime><PreAuthCode/></xml>',
        ),
      ).toEqual({
        infoType: 'authorized',
        componentAppId: COMPONENT_APPID,
        createTime: 1764547100,
        authorizerAppId: AUTHORIZER,
        authorizationCode: CODE,
      });

      expect(
        push(
          `<xml>${head}<InfoType><![CDATA[unauthorized]]></InfoType>` +
            `<AuthorizerAppid><![CDATA[${AUTHORIZER}]]></AuthorizerAppid></xml>`,
        ),
      ).toEqual({
        infoType: 'unauthorized',
        componentAppId: COMPONENT_APPID,
        createTime: 1764547100,
        authorizerAppId: AUTHORIZER,
      });

      const other = push(
        `<xml>${head}<InfoType><![CDATA[notify_third_fasteregister]]></InfoType>` +
          `<appid><![CDATA[${AUTHORIZER}]]></appid><status>0</status>` +
          '<info><name><![CDATA[Shop]]></name><code><![CDATA[91440300]]></code></info></xml>',
      );
      expect(isKnownWechatComponentEvent(other)).toBe(false);
      expect(other).toEqual({
        infoType: 'notify_third_fasteregister',
        componentAppId: COMPONENT_APPID,
        createTime: 1764547100,
        fields: {
          AppId: COMPONENT_APPID,
          CreateTime: '1764547100',
          InfoType: 'notify_third_fasteregister',
          appid: AUTHORIZER,
          status: '0',
          'info.name': 'Shop',
          'info.code': '91440300',
        },
      });
    });

    it.each([
      ['no InfoType', '<xml><CreateTime>1</CreateTime></xml>', 'InfoType'],
      ['an InfoType that is not a word', '<xml><InfoType>a b</InfoType></xml>', 'InfoType'],
      [
        'no CreateTime',
        '<xml><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>t</ComponentVerifyTicket></xml>',
        'CreateTime',
      ],
      [
        'a CreateTime that is not digits',
        '<xml><InfoType>unauthorized</InfoType><CreateTime>-1</CreateTime></xml>',
        'CreateTime',
      ],
      [
        'no ticket',
        '<xml><InfoType>component_verify_ticket</InfoType><CreateTime>1</CreateTime></xml>',
        'ComponentVerifyTicket',
      ],
      [
        'an empty ticket',
        '<xml><InfoType>component_verify_ticket</InfoType><CreateTime>1</CreateTime><ComponentVerifyTicket/></xml>',
        'ComponentVerifyTicket',
      ],
      [
        'no authorisation code',
        `<xml><InfoType>authorized</InfoType><CreateTime>1</CreateTime><AuthorizerAppid>${AUTHORIZER}</AuthorizerAppid></xml>`,
        'AuthorizationCode',
      ],
      [
        'an authoriser that is not an appid',
        '<xml><InfoType>unauthorized</InfoType><CreateTime>1</CreateTime><AuthorizerAppid>evil</AuthorizerAppid></xml>',
        'AuthorizerAppid',
      ],
    ])('refuses a decrypted message with %s', (_what, xml, field) => {
      const subject = crypto();
      const message = subject.encrypt(xml);
      const error = refusal(
        () => subject.decryptEvent(queryOf(message), Buffer.from(message.envelope)),
        'invalid-event',
      );
      expect(error.message).toContain(field);
    });

    it('refuses a decrypted message whose AppId is another platform', () => {
      const subject = crypto();
      const message = subject.encrypt(ticketXml().replace(COMPONENT_APPID, OTHER_APPID));
      const error = refusal(
        () => subject.decryptEvent(queryOf(message), Buffer.from(message.envelope)),
        'appid-mismatch',
      );
      expect(error.message).toContain(OTHER_APPID);
    });
  });

  describe('forgeries and malformed pushes', () => {
    const subject = crypto();
    const good = subject.encrypt(ticketXml(), { nonce: '1234567890' });
    const body = Buffer.from(good.envelope);
    const query = queryOf(good);
    const refuse = (
      q: WechatComponentPushQuery,
      b: Buffer,
      reason: WechatComponentMessageFailure,
      on = subject,
    ) => refusal(() => on.verifyAndDecrypt(q, b), reason, [good.encrypt, good.msgSignature]);

    it('accepts the untouched push', () => {
      expect(subject.decryptEvent(query, body)).toMatchObject({ ticket: TICKET });
    });

    it('refuses a wrong signature', () => {
      const wrong = (good.msgSignature.startsWith('0') ? '1' : '0') + good.msgSignature.slice(1);
      refuse({ ...query, msg_signature: wrong }, body, 'bad-signature');
      refuse({ ...query, msg_signature: 'z'.repeat(40) }, body, 'bad-signature');
    });

    it('refuses a signature of the wrong length', () => {
      for (const signature of [
        '',
        good.msgSignature.slice(1),
        `${good.msgSignature}0`,
        'é'.repeat(40),
      ]) {
        refuse({ ...query, msg_signature: signature }, body, 'bad-signature');
      }
    });

    it('refuses a signature made with another token', () => {
      const forged = sign('anotherToken', query.timestamp, query.nonce, good.encrypt);
      refuse({ ...query, msg_signature: forged }, body, 'bad-signature');
    });

    it('refuses another timestamp or nonce than the signed ones', () => {
      refuse({ ...query, timestamp: String(Number(NOW) + 1) }, body, 'bad-signature');
      refuse({ ...query, nonce: '1234567891' }, body, 'bad-signature');
    });

    it('refuses a tampered ciphertext', () => {
      const bytes = Buffer.from(good.encrypt, 'base64');
      // Flipping the top bit of the second-to-last block's last byte flips it in the padding.
      bytes[bytes.length - 17] ^= 0x80;
      const tampered = bytes.toString('base64');
      // As sent by an attacker without the token ...
      refuse(query, envelope(tampered), 'bad-signature');
      // ... and signed with the token: the padding check refuses it.
      const error = refuse(signedQuery(tampered), envelope(tampered), 'decrypt-failed');
      expect(error.message).toContain('bad padding');
    });

    it('refuses a ciphertext that is not whole AES blocks or not Base64', () => {
      const short = Buffer.from(good.encrypt, 'base64').subarray(0, 40).toString('base64');
      refuse(signedQuery(short), envelope(short), 'decrypt-failed');
      for (const bad of ['not base64!', 'abc', '====']) {
        refuse(signedQuery(bad), envelope(bad), 'malformed');
      }
    });

    it('refuses a message encrypted for another appid', () => {
      const other = crypto({ componentAppId: OTHER_APPID }).encrypt(ticketXml());
      const error = refuse(queryOf(other), envelope(other.encrypt), 'appid-mismatch');
      expect(error.message).toContain(OTHER_APPID);
      // The envelope's AppId is checked too.
      const head = `<AppId><![CDATA[${OTHER_APPID}]]></AppId>`;
      refuse(query, envelope(good.encrypt, head), 'appid-mismatch');
      const garbage = '<AppId><![CDATA[<script>]]></AppId>';
      const hidden = refuse(query, envelope(good.encrypt, garbage), 'appid-mismatch');
      expect(hidden.message).not.toContain('<script>');
    });

    it('refuses a message encrypted with another key', () => {
      const other = crypto({ encodingAesKey: OLD_AES_KEY }).encrypt(ticketXml(), {
        random: Buffer.alloc(16, 7),
      });
      refuse(queryOf(other), Buffer.from(other.envelope), 'decrypt-failed');
    });

    it('accepts the previous key after a key change, and says so', () => {
      const old = crypto({ encodingAesKey: OLD_AES_KEY }).encrypt(ticketXml());
      const rotated = crypto({ previousEncodingAesKey: OLD_AES_KEY });
      const message = rotated.verifyAndDecrypt(queryOf(old), Buffer.from(old.envelope));
      expect(message).toMatchObject({ xml: ticketXml(), usedPreviousKey: true });
      const current = rotated.encrypt(ticketXml());
      expect(
        rotated.verifyAndDecrypt(queryOf(current), Buffer.from(current.envelope)),
      ).toMatchObject({
        usedPreviousKey: false,
      });
      // An appid mismatch under one key beats a failed decryption under the other.
      const foreign = crypto({ componentAppId: OTHER_APPID }).encrypt(ticketXml());
      refuse(queryOf(foreign), Buffer.from(foreign.envelope), 'appid-mismatch', rotated);
    });

    it('refuses a stale or future timestamp, within the window accepts', () => {
      const at = (offsetSeconds: number) =>
        subject.encrypt(ticketXml(), { timestamp: String(Number(NOW) + offsetSeconds) });
      for (const offset of [-900, 900, 0, -1]) {
        const message = at(offset);
        expect(subject.verifyAndDecrypt(queryOf(message), Buffer.from(message.envelope)).xml).toBe(
          ticketXml(),
        );
      }
      for (const offset of [-901, 901, -86_400, -Number(NOW)]) {
        const message = at(offset);
        const error = refuse(queryOf(message), Buffer.from(message.envelope), 'stale-timestamp');
        expect(error.message).toContain('allowed: 900 s');
      }
      const tight = crypto({ maxClockSkewSeconds: 60 });
      const late = at(-61);
      refuse(queryOf(late), Buffer.from(late.envelope), 'stale-timestamp', tight);
    });

    it('refuses missing or repeated query parameters and another encrypt_type', () => {
      for (const name of ['msg_signature', 'timestamp', 'nonce'] as const) {
        const without: Record<string, unknown> = { ...query };
        delete without[name];
        expect(refuse(without, body, 'malformed').message).toContain(name);
        refuse({ ...query, [name]: [query[name], query[name]] }, body, 'malformed');
      }
      refuse({ ...query, encrypt_type: 'raw' }, body, 'malformed');
      refuse({ ...query, timestamp: '12a' }, body, 'malformed');
      refuse({ ...query, nonce: 'a b' }, body, 'malformed');
      refuse({ ...query, nonce: 'x'.repeat(129) }, body, 'malformed');
      refuse(undefined as unknown as WechatComponentPushQuery, body, 'malformed');
    });

    it('refuses an envelope without Encrypt, or with two', () => {
      refuse(query, Buffer.from(`<xml><AppId>${COMPONENT_APPID}</AppId></xml>`), 'malformed');
      refuse(query, envelope(''), 'malformed');
      // The second Encrypt could be what another reader takes: ambiguity is refused.
      const twice = Buffer.from(
        `<xml><Encrypt><![CDATA[${good.encrypt}]]></Encrypt><Encrypt><![CDATA[x]]></Encrypt></xml>`,
      );
      expect(refuse(query, twice, 'malformed').message).toContain('more than once');
    });

    it('refuses DOCTYPE, entities and other markup in the envelope', () => {
      for (const xml of [
        `<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>`,
        `<!DOCTYPE xml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>`,
        `<xml><Encrypt>&e;</Encrypt></xml>`,
        `<?xml version="1.0"?><xml><Encrypt><![CDATA[${good.encrypt}]]></Encrypt></xml>`,
        `<xml><Encrypt a="1"><![CDATA[${good.encrypt}]]></Encrypt></xml>`,
        `<xml><Encrypt><![CDATA[${good.encrypt}]]></Encrypt><!-- x --></xml>`,
        `<xml><Wrapper><Encrypt><![CDATA[${good.encrypt}]]></Encrypt></Wrapper></xml>`,
      ]) {
        refuse(query, Buffer.from(xml), 'malformed');
      }
    });

    it('refuses a body over 64 KiB before reading it', () => {
      const padding = ' '.repeat(COMPONENT_MESSAGE_MAX_BYTES + 1 - body.length);
      const large = Buffer.from(`${good.envelope}${padding}`);
      expect(large.length).toBe(COMPONENT_MESSAGE_MAX_BYTES + 1);
      refuse(query, large, 'too-large');
      // Exactly 64 KiB is read.
      const limit = large.subarray(0, COMPONENT_MESSAGE_MAX_BYTES);
      expect(subject.verifyAndDecrypt(query, limit).xml).toBe(ticketXml());
    });

    it('refuses bytes that are not UTF-8, and a body that is not a Buffer', () => {
      refuse(
        query,
        Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0xfe, 0xc3, 0x28]),
        'malformed',
      );
      refuse(query, Buffer.from('<xml>\ud800</xml>', 'utf16le'), 'malformed');
      refuse(query, 'a string' as unknown as Buffer, 'malformed');
    });

    it('refuses a decrypted message that is not UTF-8 or not flat XML', () => {
      for (const xml of ['<xml><A>1</A>', '<!DOCTYPE x><xml></xml>', 'plain text']) {
        const message = subject.encrypt(xml);
        const error = refuse(queryOf(message), Buffer.from(message.envelope), 'malformed');
        expect(error.message).toContain('the decrypted message');
      }
    });

    it('refuses 64 KiB of hostile envelopes quickly and without quoting them', () => {
      const size = COMPONENT_MESSAGE_MAX_BYTES - 100;
      const fillers: [string, WechatComponentMessageFailure][] = [
        ['&', 'malformed'],
        ['<a>', 'malformed'],
        ['<![CDATA[', 'malformed'],
        ['\u0000', 'malformed'],
        ['<!--', 'malformed'],
        ['&amp;', 'bad-signature'],
        [']]', 'bad-signature'],
      ];
      for (const [filler, reason] of fillers) {
        const xml = `<xml><Encrypt>${filler.repeat(Math.floor(size / filler.length))}</Encrypt></xml>`;
        refuse(query, Buffer.from(xml), reason);
      }
    });
  });

  describe('configuration', () => {
    const base: WechatComponentMessageCryptoOptions = {
      componentAppId: COMPONENT_APPID,
      token: TOKEN,
      encodingAesKey: AES_KEY,
    };

    it.each([
      ['componentAppId', { componentAppId: 'wx123' }],
      ['token', { token: 'a' }],
      ['token', { token: 'has space' }],
      ['encodingAesKey', { encodingAesKey: AES_KEY.slice(1) }],
      ['encodingAesKey', { encodingAesKey: `${AES_KEY.slice(1)}+` }],
      ['encodingAesKey', { encodingAesKey: undefined }],
      ['previousEncodingAesKey', { previousEncodingAesKey: `${OLD_AES_KEY}x` }],
      ['maxClockSkewSeconds', { maxClockSkewSeconds: 0 }],
      ['maxClockSkewSeconds', { maxClockSkewSeconds: Number.POSITIVE_INFINITY }],
      ['now', { now: 5 as unknown as () => number }],
    ])('names a bad %s, never its value', (field, override) => {
      let thrown: unknown;
      try {
        new WechatComponentMessageCrypto({
          ...base,
          ...override,
        } as WechatComponentMessageCryptoOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(WechatAuthConfigError);
      const error = thrown as WechatAuthConfigError;
      expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^${field}: `))]);
      for (const value of Object.values(override)) {
        if (typeof value === 'string' && value.length > 2)
          expect(error.message).not.toContain(value);
      }
    });

    it('names every bad field at once', () => {
      expect(
        () =>
          new WechatComponentMessageCrypto({
            componentAppId: '',
            token: '',
            encodingAesKey: '',
          }),
      ).toThrow(/componentAppId.*token.*encodingAesKey/);
    });

    it('keeps the token and the keys out of inspection and JSON', () => {
      const subject = crypto({ previousEncodingAesKey: OLD_AES_KEY });
      const aesKeyHex = Buffer.from(`${AES_KEY}=`, 'base64').toString('hex');
      const shown = `${inspect(subject, { depth: 5 })}${JSON.stringify(subject)}`;
      expect(shown).toContain(COMPONENT_APPID);
      for (const secret of [TOKEN, AES_KEY, OLD_AES_KEY, aesKeyHex])
        expect(shown).not.toContain(secret);
    });

    it('refuses bad encrypt options', () => {
      const subject = crypto();
      expect(() => subject.encrypt('x', { random: Buffer.alloc(15) })).toThrow(RangeError);
      expect(() => subject.encrypt('x', { timestamp: 'now' })).toThrow(RangeError);
      expect(() => subject.encrypt('x', { nonce: '' })).toThrow(RangeError);
    });
  });
});
