import { SandboxInputError } from '../errors';
import {
  buildComponentEventXml,
  buildComponentPush,
  openComponentPush,
  readComponentXmlField,
} from './component-push.builder';
import {
  componentMsgSignature,
  componentSignature,
  decryptComponentMessage,
  encryptComponentMessage,
} from './component-message.crypto';

// Official vectors: /work/shared/reference/wechat-open-platform-facts.md §9.

/** A: WxJava WxCryptUtilTest.testAesEncrypt (= the official Java sample's test). */
const A = {
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  token: 'pamtest',
  appId: 'wxb11529c136998cb6',
  timestamp: '1409304348',
  nonce: 'xxxxxx',
  random: 'aaaabbbbccccdddd',
  message: '我是中文abcd123',
  encrypt:
    'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  msgSignature: '82c962d39941aa48552f90ef55aa323dc620cc10',
};

/** B: easywechat tests/Kernel/EncryptorTest.php test_decrypt. */
const B = {
  encodingAesKey: A.encodingAesKey,
  token: 'pamtest',
  appId: 'wxb11529c136998cb6',
  timestamp: '1458300676',
  nonce: '260774613',
  msgSignature: '4f3ad57b6989f09f4eb392acce4f9e93942ed890',
  encrypt:
    'rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==',
};

/**
 * C: the official third-party platform push example ("接收消息推送", message_push.html): Token
 * `AAAAA`, EncodingAESKey 43 × `A`, component wx134c8103faa5a59e, authoriser wxba5fad812f8e6fb9.
 */
const C = {
  encodingAesKey: 'A'.repeat(43),
  token: 'AAAAA',
  componentAppId: 'wx134c8103faa5a59e',
  timestamp: '1715943329',
  nonce: '1590219412',
  signature: 'cc0c594499c1634947d5b502f158ee518947db27',
  msgSignature: '6c12a4205838198b8fa631b3220723bb07f1015c',
  encrypt:
    'D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==',
};

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('third-party platform message crypto (WXBizMsgCrypt)', () => {
  describe('vector A (WxJava / official Java sample)', () => {
    it('encrypts to the expected Encrypt with the fixed random', () => {
      expect(
        encryptComponentMessage({
          encodingAesKey: A.encodingAesKey,
          componentAppId: A.appId,
          message: A.message,
          random: A.random,
        }),
      ).toBe(A.encrypt);
    });

    it('takes the random as 16 bytes too', () => {
      expect(
        encryptComponentMessage({
          encodingAesKey: A.encodingAesKey,
          componentAppId: A.appId,
          message: A.message,
          random: Buffer.from(A.random, 'ascii'),
        }),
      ).toBe(A.encrypt);
    });

    it('signs and decrypts it', () => {
      expect(componentMsgSignature(A.token, A.timestamp, A.nonce, A.encrypt)).toBe(A.msgSignature);
      expect(
        decryptComponentMessage({ encodingAesKey: A.encodingAesKey, encrypt: A.encrypt }),
      ).toEqual({ message: A.message, componentAppId: A.appId });
    });
  });

  it('vector B (easywechat): signature matches and it decrypts', () => {
    expect(componentMsgSignature(B.token, B.timestamp, B.nonce, B.encrypt)).toBe(B.msgSignature);
    const plain = decryptComponentMessage({
      encodingAesKey: B.encodingAesKey,
      encrypt: B.encrypt,
      componentAppId: B.appId,
    });
    expect(plain.componentAppId).toBe(B.appId);
    expect(readComponentXmlField(plain.message, 'ToUserName')).toBe('asdasdasd');
    expect(readComponentXmlField(plain.message, 'CreateTime')).toBe('1234567898');
    expect(readComponentXmlField(plain.message, 'Content')).toBe('hello');
  });

  it('vector C (official push example): both signatures match, the tail is the component appid', () => {
    expect(componentSignature(C.token, C.timestamp, C.nonce)).toBe(C.signature);
    expect(componentMsgSignature(C.token, C.timestamp, C.nonce, C.encrypt)).toBe(C.msgSignature);
    const plain = openComponentPush({
      componentAppId: C.componentAppId,
      token: C.token,
      encodingAesKey: C.encodingAesKey,
      query: { timestamp: C.timestamp, nonce: C.nonce, msg_signature: C.msgSignature },
      body: `<xml>\n    <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n    <Encrypt><![CDATA[${C.encrypt}]]></Encrypt>\n</xml>`,
    });
    expect(plain.componentAppId).toBe(C.componentAppId);
    expect(Buffer.byteLength(plain.message)).toBe(292);
    expect(readComponentXmlField(plain.message, 'Event')).toBe('debug_demo');
  });

  it('pads with a whole 32-byte block when the plaintext is aligned (K = 32)', () => {
    // 16 random + 4 length + 8 message + 4 appid = 32 bytes -> 64 bytes of ciphertext.
    const encrypt = encryptComponentMessage({
      encodingAesKey: A.encodingAesKey,
      componentAppId: 'wxid',
      message: '12345678',
    });
    expect(Buffer.from(encrypt, 'base64')).toHaveLength(64);
    expect(decryptComponentMessage({ encodingAesKey: A.encodingAesKey, encrypt }).message).toBe(
      '12345678',
    );
  });

  it('round-trips with a random prefix that differs every time', () => {
    const input = { encodingAesKey: A.encodingAesKey, componentAppId: A.appId, message: '<xml/>' };
    const first = encryptComponentMessage(input);
    expect(encryptComponentMessage(input)).not.toBe(first);
    expect(decryptComponentMessage({ ...input, encrypt: first }).message).toBe('<xml/>');
  });

  it('refuses a bad key, a wrong appid, a tampered ciphertext and a bad random, without echoing the key', () => {
    const badKey = 'short-secret-key';
    const keyError = thrown(() =>
      encryptComponentMessage({ encodingAesKey: badKey, componentAppId: 'wx', message: 'm' }),
    );
    expect(keyError).toBeInstanceOf(SandboxInputError);
    expect(keyError.message).not.toContain(badKey);
    expect(() =>
      decryptComponentMessage({
        encodingAesKey: A.encodingAesKey,
        encrypt: A.encrypt,
        componentAppId: 'wxother',
      }),
    ).toThrow(/another AppID/);
    expect(() =>
      decryptComponentMessage({ encodingAesKey: 'B'.repeat(43), encrypt: A.encrypt }),
    ).toThrow(SandboxInputError);
    expect(() =>
      decryptComponentMessage({ encodingAesKey: A.encodingAesKey, encrypt: 'AAAA' }),
    ).toThrow(SandboxInputError);
    expect(() =>
      encryptComponentMessage({ ...A, componentAppId: A.appId, random: 'too short' }),
    ).toThrow(/16 bytes/);
  });
});

describe('buildComponentPush / openComponentPush', () => {
  const component = {
    componentAppId: 'wxc000000000000001',
    componentSecret: 'not-used-here',
    token: 'pushToken',
    encodingAesKey: A.encodingAesKey,
  };

  it('builds the query, the <AppId>/<Encrypt> envelope and signatures that verify', () => {
    const xml = buildComponentEventXml({
      AppId: component.componentAppId,
      CreateTime: 1700000000,
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: 'ticket@@@abc',
    });
    expect(xml).toBe(
      '<xml><AppId><![CDATA[wxc000000000000001]]></AppId><CreateTime>1700000000</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@abc]]></ComponentVerifyTicket></xml>',
    );
    const push = buildComponentPush({ ...component, xml, timestamp: 1700000001, nonce: '42' });
    expect(push.query).toEqual({
      signature: componentSignature(component.token, '1700000001', '42'),
      timestamp: '1700000001',
      nonce: '42',
      encrypt_type: 'aes',
      msg_signature: componentMsgSignature(component.token, '1700000001', '42', push.encrypt),
    });
    expect(push.body).toBe(
      `<xml><AppId><![CDATA[${component.componentAppId}]]></AppId><Encrypt><![CDATA[${push.encrypt}]]></Encrypt></xml>`,
    );
    expect(openComponentPush({ ...component, query: { ...push.query }, body: push.body })).toEqual({
      message: xml,
      componentAppId: component.componentAppId,
    });
  });

  it('reproduces vector A with the fixed random', () => {
    const push = buildComponentPush({
      componentAppId: A.appId,
      token: A.token,
      encodingAesKey: A.encodingAesKey,
      xml: A.message,
      timestamp: A.timestamp,
      nonce: A.nonce,
      random: A.random,
    });
    expect(push.encrypt).toBe(A.encrypt);
    expect(push.query.msg_signature).toBe(A.msgSignature);
  });

  it('defaults timestamp to now and nonce to random digits', () => {
    const before = Math.floor(Date.now() / 1000);
    const push = buildComponentPush({ ...component, xml: '<xml/>' });
    expect(Number(push.query.timestamp)).toBeGreaterThanOrEqual(before);
    expect(push.query.nonce).toMatch(/^\d+$/);
  });

  it('openComponentPush refuses a wrong msg_signature, a missing Encrypt and another appid', () => {
    const push = buildComponentPush({ ...component, xml: '<xml/>' });
    const open =
      (
        query: { timestamp?: string; nonce?: string; msg_signature?: string },
        body = push.body,
        appId = component.componentAppId,
      ) =>
      () =>
        openComponentPush({ ...component, componentAppId: appId, query, body });
    expect(open({ ...push.query, msg_signature: '0'.repeat(40) })).toThrow(/msg_signature/);
    expect(open({ ...push.query, msg_signature: push.query.signature })).toThrow(/msg_signature/);
    expect(open({ nonce: '1' })).toThrow(/timestamp, nonce and msg_signature/);
    expect(open(push.query, '<xml></xml>')).toThrow(/no Encrypt/);
    expect(open(push.query, push.body, 'wxother')).toThrow(/another AppID/);
  });

  it('buildComponentEventXml splits a ]]> across CDATA sections and readComponentXmlField joins them', () => {
    const xml = buildComponentEventXml({ Text: 'a]]>b' });
    expect(xml).toBe('<xml><Text><![CDATA[a]]]]><![CDATA[>b]]></Text></xml>');
    expect(readComponentXmlField(xml, 'Text')).toBe('a]]>b');
    expect(readComponentXmlField('<xml><N>12</N></xml>', 'N')).toBe('12');
    expect(readComponentXmlField('<xml/>', 'N')).toBeUndefined();
    expect(() => buildComponentEventXml({ 'bad name': 'x' })).toThrow(SandboxInputError);
  });
});
