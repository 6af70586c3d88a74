import {
  buildWechatPayNotification,
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  type WechatPayNotificationFixture,
  type WechatPayNotificationOverrides,
} from '@app/wechat-sandbox';
import fc from 'fast-check';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { request, type OutgoingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentNotifyHarness } from './support/payment-notify.harness';

/** Fixed: a failure reproduces with the same inputs (fast-check prints the seed and path too). */
const SEED = 20_240_520;
const RUNS = 150;
/** A line of a JavaScript stack trace, raw or inside a JSON string. */
const STACK_LINE = /(^|\\n)\s*at \S/m;
/** What Node lets a header value hold: tab, visible ASCII, space and bytes 0x80-0xFF. */
const SENDABLE_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Long enough for the app's poll loop (LOOKUP_POLL_MS=100) to pick up a wrongly stored row. */
const QUIET_MS = 300;

const SIGNER_KEY = createPrivateKey(TEST_WECHATPAY_PUBLIC_KEY.privateKeyPem);
const REQUIRED_HEADERS = [
  'Wechatpay-Timestamp',
  'Wechatpay-Nonce',
  'Wechatpay-Signature',
  'Wechatpay-Serial',
] as const;

interface RawAnswer {
  status: number;
  contentType: string | undefined;
  text: string;
}

/**
 * POSTs exactly `body` with `headers` through `node:http` (not fetch): header values are sent
 * byte for byte (latin1), and an array value sends the header several times.
 */
function postRaw(base: string, headers: OutgoingHttpHeaders, body: Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method: 'POST', path: '/wechatpay/notify', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A genuine, signed and encrypted notification of a payment the sandbox does not know. */
function genuine(overrides?: WechatPayNotificationOverrides): WechatPayNotificationFixture {
  return buildWechatPayNotification({
    apiV3Key: TEST_MERCHANT.apiV3Key,
    signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
    overrides,
  });
}

/** Headers with a valid signature (test WeChat Pay public key) over exactly `body`. */
function signedHeaders(body: Buffer): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex').toUpperCase();
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')]);
  return {
    'Content-Type': 'application/json',
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': sign('sha256', message, SIGNER_KEY).toString('base64'),
    'Wechatpay-Serial': TEST_WECHATPAY_PUBLIC_KEY.id,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

/** `JSON.stringify` that never returns `undefined` (fc.anything() generates it). */
const json = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** Any string, as a header value Node will send: non-ASCII goes out as its UTF-8 bytes. */
const headerValue = fc
  .oneof(
    fc.string({ maxLength: 64 }),
    fc.string({ unit: 'binary', maxLength: 32 }),
    fc.constantFrom('0', '-1', '1e3', '99999999999999999999', 'WECHATPAY/SIGNTEST/', 'PUB_KEY_ID_'),
  )
  .map((value) => Buffer.from(value, 'utf8').toString('latin1'))
  .filter((value) => SENDABLE_HEADER_VALUE.test(value));

describe('payment-notify: fuzzing POST /wechatpay/notify', () => {
  let h: PaymentNotifyHarness;
  let beforeProperty: { payments: number; unionids: number; lookups: number };

  const snapshot = () => ({ ...h.storedRowCounts(), lookups: h.sandbox.counters().lookups });

  /**
   * POSTs, then checks the answer is a clean rejection that stored nothing. Rows are compared per
   * run, so fast-check shrinks a failure to the request that caused it; lookups start after the
   * answer, so they are compared per property (in `afterEach`).
   */
  async function expectRejected(
    headers: OutgoingHttpHeaders,
    body: Buffer | string,
  ): Promise<void> {
    const before = h.storedRowCounts();
    const answer = await postRaw(h.url, headers, Buffer.isBuffer(body) ? body : Buffer.from(body));
    expect(answer.text).not.toMatch(STACK_LINE);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({
      code: 'FAIL',
      message: expect.stringMatching(/\S/),
    });
    expect(h.storedRowCounts()).toEqual(before);
  }

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
  });
  beforeEach(() => {
    beforeProperty = snapshot();
  });
  afterEach(async () => {
    // Nothing was stored or scheduled late, and the app still answers.
    await sleep(QUIET_MS);
    expect(snapshot()).toEqual(beforeProperty);
    expect((await h.get('/health')).status).toBe(200);
  });
  afterAll(() => h.stop());

  it('rejects random bytes, signed for another body or validly signed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.boolean(),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'),
        async (bytes, validlySigned, contentType) => {
          const body = Buffer.from(bytes);
          const headers = validlySigned ? signedHeaders(body) : genuine().headers;
          await expectRejected({ ...headers, 'Content-Type': contentType }, body);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('rejects random JSON, signed for another body or validly signed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 4 }), fc.boolean(), async (text, validlySigned) => {
        const body = Buffer.from(text, 'utf8');
        const headers = validlySigned ? signedHeaders(body) : genuine().headers;
        await expectRejected(headers, body);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('rejects validly signed envelopes whose fields have the wrong types', async () => {
    const real = JSON.parse(genuine().body) as Record<string, unknown> & {
      resource: Record<string, unknown>;
    };
    const anything = fc.anything({ maxDepth: 2, maxKeys: 4 });
    // Mostly the real value, so that many runs get past the envelope checks to decryption;
    // `undefined` (one of fc.anything()'s values) leaves the member out.
    const orReal = (value: unknown) =>
      fc.oneof({ arbitrary: fc.constant(value), weight: 4 }, { arbitrary: anything, weight: 1 });
    const resource = fc.oneof(
      { arbitrary: anything, weight: 1 },
      {
        weight: 4,
        arbitrary: fc.record({
          original_type: orReal(real.resource.original_type),
          algorithm: orReal(real.resource.algorithm),
          // Never the real ciphertext: with it, a lenient envelope would be a real payment.
          ciphertext: fc.oneof(
            { arbitrary: fc.base64String({ minLength: 4, maxLength: 200 }), weight: 4 },
            { arbitrary: anything, weight: 1 },
          ),
          associated_data: orReal(real.resource.associated_data),
          nonce: orReal(real.resource.nonce),
        }),
      },
    );
    const envelope = fc.record({
      id: orReal(real.id),
      create_time: orReal(real.create_time),
      resource_type: orReal(real.resource_type),
      event_type: orReal(real.event_type),
      summary: orReal(real.summary),
      resource,
    });
    // Keys that could reach an object's prototype if a parser or validator copied them naively.
    const hostileMembers = fc.array(
      fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'resource'), anything),
      { maxLength: 2 },
    );

    await fc.assert(
      fc.asyncProperty(envelope, hostileMembers, async (fields, extra) => {
        const present = Object.entries(fields).filter(([, v]) => v !== undefined);
        const members = [...present, ...extra].map(([k, v]) => `${json(k)}:${json(v)}`);
        const body = Buffer.from(`{${members.join(',')}}`, 'utf8');
        await expectRejected(signedHeaders(body), body);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('rejects garbage bodies carrying a valid signature (built with the notification builder)', async () => {
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 2000 }),
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '1e999', '{"resource":null}', '\uFEFF{}'),
    );
    await fc.assert(
      fc.asyncProperty(garbage, async (body) => {
        const fixture = genuine({ body });
        await expectRejected(fixture.headers, fixture.body);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('rejects a genuine body under random header sets (missing, repeated, garbage, non-ASCII)', async () => {
    type Mutation = 'keep' | 'drop' | 'empty' | 'garbage' | 'repeat' | 'repeat-garbage';
    const breaking = fc.constantFrom<Mutation>(
      'drop',
      'empty',
      'garbage',
      'repeat',
      'repeat-garbage',
    );
    // Mostly kept, so that many runs get past the header checks to the signature check.
    const any = (keepWeight: number) =>
      fc.oneof(
        { arbitrary: fc.constant<Mutation>('keep'), weight: keepWeight },
        { arbitrary: breaking, weight: 1 },
      );
    const plan = fc.record({
      // At least one required header is broken, or the genuine notification would be accepted.
      broken: fc.constantFrom(...REQUIRED_HEADERS),
      brokenBy: breaking,
      others: fc.tuple(any(3), any(3), any(3), any(3), any(3), any(8)),
      garbage: fc.array(headerValue, { minLength: 2, maxLength: 2 }),
      casing: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      extra: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,16}$/), headerValue, { maxKeys: 3 }),
    });

    await fc.assert(
      fc.asyncProperty(plan, async ({ broken, brokenBy, others, garbage, casing, extra }) => {
        const fixture = genuine();
        const headers: OutgoingHttpHeaders = { ...extra };
        const names = [...REQUIRED_HEADERS, 'Wechatpay-Signature-Type', 'Content-Type'];
        names.forEach((name, i) => {
          const mutation = name === broken ? brokenBy : others[i];
          const value = fixture.headers[name];
          // Garbage must differ from the real value once the server trims it.
          const junk = garbage.find((g) => g.trim() !== value) ?? `${value}x`;
          const sentName = casing[i] ? name.toLowerCase() : name.toUpperCase();
          const sent: Record<Mutation, string | string[] | undefined> = {
            keep: value,
            drop: undefined,
            empty: '',
            garbage: junk,
            repeat: [value, value],
            'repeat-garbage': [value, junk],
          };
          if (sent[mutation] !== undefined) {
            headers[sentName] = sent[mutation];
          }
        });
        await expectRejected(headers, fixture.body);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  // The header property's shrunk counterexample, pinned: a valid signature plus anything after it.
  it.each<[string, (signature: string) => string | string[]]>([
    ['sent twice', (signature) => [signature, signature]],
    ['sent twice, the second time empty', (signature) => [signature, '']],
    ['followed by junk in the same header', (signature) => `${signature}junk`],
  ])('rejects a valid Wechatpay-Signature %s', async (_name, tamper) => {
    const fixture = genuine();
    const headers = {
      ...fixture.headers,
      'Wechatpay-Signature': tamper(fixture.headers['Wechatpay-Signature']),
    };
    await expectRejected(headers, fixture.body);
  });
});

describe('payment-notify: fuzzing the decrypted transaction of validly signed notifications', () => {
  let h: PaymentNotifyHarness;

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
  });
  afterAll(() => h.stop());

  it('answers 2xx or a clean 4xx, never 5xx, and stays healthy', async () => {
    const anything = fc.anything({ maxDepth: 2, maxKeys: 4 });
    const field = fc.constantFrom(
      'appid',
      'mchid',
      'out_trade_no',
      'transaction_id',
      'trade_type',
      'trade_state',
      'bank_type',
      'attach',
      'success_time',
      'payer',
      'amount',
      'sp_mchid',
      'sub_openid',
      '__proto__',
    );
    const value = fc.oneof(
      anything,
      // Past the type checks: long, non-ASCII and odd strings reach the length and date checks.
      fc.string({ unit: 'binary', minLength: 1, maxLength: 140 }),
      fc.constantFrom(
        '2024-02-30T12:00:00+08:00',
        '9999-12-31T23:59:59+08:00',
        '0000-01-01T00:00:00Z',
        'REFUND',
        'SUCCESS',
      ),
      fc.record({
        total: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, 1e300, -1)),
        currency: fc.string({ maxLength: 20 }),
      }),
      fc.record({ openid: fc.string({ unit: 'binary', maxLength: 140 }) }),
    );
    // `undefined` removes the field; any other value replaces it.
    const patch = fc.dictionary(field, value, { minKeys: 1, maxKeys: 3 });

    await fc.assert(
      fc.asyncProperty(patch, async (transaction) => {
        const fixture = genuine({ transaction });
        const rowsBefore = h.storedRowCounts();
        const answer = await postRaw(h.url, fixture.headers, Buffer.from(fixture.body, 'utf8'));
        expect(answer.text).not.toMatch(STACK_LINE);
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 300) {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(JSON.parse(answer.text)).toEqual({
            code: 'FAIL',
            message: expect.stringMatching(/\S/),
          });
          expect(h.storedRowCounts()).toEqual(rowsBefore);
        }
        const id = fixture.transaction.transaction_id;
        if (typeof id === 'string' && id !== '') {
          const view = await h.get(`/payments/${encodeURIComponent(id)}`);
          expect([200, 404]).toContain(view.status);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect((await h.get('/health')).status).toBe(200);
  });
});
