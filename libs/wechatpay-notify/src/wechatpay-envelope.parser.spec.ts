import { WechatPayMalformedBodyError } from './errors';
import { WechatPayEnvelopeParser } from './wechatpay-envelope.parser';

const parser = new WechatPayEnvelopeParser();
const resource = {
  original_type: 'transaction',
  algorithm: 'AEAD_AES_256_GCM',
  ciphertext: 'AAAA',
  associated_data: 'transaction',
  nonce: 'abcdefghijkl',
};
const envelope = {
  id: 'EV-2018022511223320873',
  create_time: '2015-05-20T13:29:35+08:00',
  resource_type: 'encrypt-resource',
  event_type: 'TRANSACTION.SUCCESS',
  summary: '支付成功',
  resource,
};
const parse = (body: unknown) =>
  parser.parse(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

describe('WechatPayEnvelopeParser', () => {
  it('parses the documented envelope', () => {
    expect(parse(envelope)).toEqual(envelope);
  });

  it('tolerates unknown fields, a missing summary, associated_data or original_type', () => {
    const { summary: _summary, ...withoutSummary } = envelope;
    const { associated_data: _ad, original_type: _ot, ...bareResource } = resource;
    expect(parse({ ...withoutSummary, extra: 1, resource: bareResource })).toEqual({
      ...withoutSummary,
      summary: '',
      resource: { ...bareResource, associated_data: '', original_type: undefined },
    });
  });

  it.each(['', 'not json', '[]', 'null', '"text"'])('rejects the body %p', (body) => {
    expect(() => parse(body)).toThrow(WechatPayMalformedBodyError);
  });

  it('names every malformed field, without values', () => {
    expect(() =>
      parse({
        ...envelope,
        id: '',
        event_type: 7,
        create_time: undefined,
        resource: { ...resource, ciphertext: 'x'.repeat(0), nonce: 5, associated_data: null },
      }),
    ).toThrow(
      'Notification envelope is malformed: id, create_time, event_type, resource.ciphertext, resource.nonce, resource.associated_data',
    );
    expect(() => parse({ ...envelope, resource: 'secret-looking-text' })).toThrow(
      /malformed: resource$/,
    );
  });
});
