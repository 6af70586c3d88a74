import {
  TEST_ATTACKER_KEY,
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
  toWechatPayTime,
} from '@app/wechat-sandbox';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentNotifyHarness } from './support/payment-notify.harness';
import { PrometheusText } from './support/prometheus-text';

/** The `GET /payments/:transactionId` fields fixed by the contract. */
const PAYMENT_VIEW_FIELDS = [
  'appId',
  'error',
  'mchId',
  'openid',
  'outTradeNo',
  'status',
  'transactionId',
  'unionid',
];

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface OpenApiSchema {
  type?: string;
  nullable?: boolean;
  enum?: string[];
  required?: string[];
  properties?: Record<string, OpenApiSchema>;
  allOf?: Array<{ $ref: string }>;
  $ref?: string;
}

interface OpenApiResponse {
  content?: Record<string, { schema: OpenApiSchema }>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

describe('payment-notify: GET /metrics and GET /docs', () => {
  let h: PaymentNotifyHarness;

  beforeAll(async () => {
    h = await PaymentNotifyHarness.start();
  });
  afterAll(() => h.stop());

  async function scrape(): Promise<PrometheusText> {
    const response = await h.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return PrometheusText.parse(await response.text());
  }

  it('starts with every notification outcome and rejection reason at 0', async () => {
    const metrics = await scrape();
    for (const [outcome, reason] of [
      ['accepted', 'none'],
      ['duplicate', 'none'],
      ['ignored', 'other-event'],
      ['ignored', 'not-success'],
      ['ignored', 'other-app'],
      ['rejected', 'stale-timestamp'],
      ['rejected', 'bad-signature'],
      ['rejected', 'invalid-payload'],
      ['error', 'internal'],
    ]) {
      expect(metrics.value('payment_notify_notifications_total', { outcome, reason })).toBe(0);
    }
    expect(metrics.value('payment_notify_pending_lookups')).toBe(0);
    expect(metrics.value('payment_notify_notify_to_unionid_seconds_count')).toBe(0);
    // Node's process metrics come along.
    expect(metrics.has('process_cpu_user_seconds_total')).toBe(true);
    expect(metrics.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts a resolved payment, a duplicate, rejections, a 40003 and failed token fetches', async () => {
    // A token endpoint that answers 40125 until the fault is cleared; the payment still resolves.
    h.sandbox.setFaults({ tokenError: { errcode: 40125 } });
    const resolved = h.pay('o-metrics-resolved');
    expect((await h.post(h.notification(resolved))).status).toBe(204);
    await until(() => h.sandbox.counters().tokenCalls.total >= 2, 'two failed token fetches');
    h.sandbox.setFaults({});
    expect((await h.settled(resolved.transactionId)).status).toBe('resolved');

    // WeChat's retry of the same payment: re-signed, acknowledged, counted as a duplicate.
    expect((await h.post(h.notification(resolved))).status).toBe(204);

    const rejected = h.pay('o-metrics-rejected');
    const now = Math.floor(Date.now() / 1000);
    expect((await h.post(h.notification(rejected, { timestamp: now - 400 }))).status).toBe(401);
    const forged = (serial: string) =>
      h.notification(rejected, { signer: { privateKey: TEST_ATTACKER_KEY.privateKeyPem, serial } });
    expect((await h.post(forged(TEST_WECHATPAY_PUBLIC_KEY.id))).status).toBe(401);
    expect((await h.post(forged('PUB_KEY_ID_UNKNOWN'))).status).toBe(401);

    const unpaid = h.pay('o-metrics-unpaid');
    expect((await h.post(h.notification(unpaid, { trade_state: 'NOTPAY' }))).status).toBe(204);

    h.sandbox.failNext({ errcode: 40003 });
    const refused = h.pay('o-metrics-40003');
    expect((await h.post(h.notification(refused))).status).toBe(204);
    expect((await h.settled(refused.transactionId)).error?.errcode).toBe(40003);

    const tokenCalls = h.sandbox.counters().tokenCalls.total;
    const metrics = await scrape();
    const notifications = (outcome: string, reason: string) =>
      metrics.value('payment_notify_notifications_total', { outcome, reason });
    expect(notifications('accepted', 'none')).toBe(2);
    expect(notifications('duplicate', 'none')).toBe(1);
    expect(notifications('ignored', 'not-success')).toBe(1);
    expect(notifications('rejected', 'stale-timestamp')).toBe(1);
    expect(notifications('rejected', 'bad-signature')).toBe(1);
    expect(notifications('rejected', 'unknown-serial')).toBe(1);
    expect(notifications('rejected', 'mchid-mismatch')).toBe(0);

    const lookups = (outcome: string, errcode: string) =>
      metrics.value('payment_notify_lookups_total', { outcome, errcode });
    expect(lookups('resolved', '0')).toBe(1);
    expect(lookups('failed', '40003')).toBe(1);
    expect(lookups('retry', '40125')).toBeGreaterThanOrEqual(1);

    const app = TEST_MERCHANT.appId;
    const tokenFetches = (outcome: string) =>
      metrics.value('wechat_token_fetches_total', { app, mode: 'stable', outcome });
    expect(tokenFetches('success')).toBe(1);
    expect(tokenFetches('error')).toBe(tokenCalls - 1);
    const attempts = (path: string, outcome: string, code: string) =>
      metrics.value('wechat_api_attempts_total', { path, outcome, code });
    expect(attempts('/cgi-bin/stable_token', 'errcode', '40125')).toBe(tokenCalls - 1);
    expect(attempts('/cgi-bin/stable_token', 'ok', 'none')).toBe(1);
    expect(attempts('/wxa/getpaidunionid', 'ok', 'none')).toBe(1);
    expect(attempts('/wxa/getpaidunionid', 'errcode', '40003')).toBe(1);

    expect(metrics.value('payment_notify_notify_to_unionid_seconds_count')).toBe(1);
    expect(metrics.value('payment_notify_notify_to_unionid_seconds_sum')).toBeGreaterThan(0);
    expect(metrics.value('payment_notify_notify_to_unionid_seconds_bucket', { le: '300' })).toBe(1);
    expect(metrics.value('payment_notify_pending_lookups')).toBe(0);
    expect(metrics.sum('payment_notify_window_missed_total')).toBe(0);
  });

  it('counts a payment whose 5-minute window had closed when it arrived', async () => {
    const late = h.pay('o-metrics-late', { paidAt: Date.now() - 6 * 60_000 });
    const fixture = h.notification(late, { success_time: toWechatPayTime(late.paidAt) });
    expect((await h.post(fixture)).status).toBe(204);
    const settled = await h.settled(late.transactionId);
    expect(settled.status).toBe('failed');
    expect(settled.error?.errcode).toBeNull();
    // Claimed by a lookup or failed by the scan, whichever came first: counted once.
    expect((await scrape()).sum('payment_notify_window_missed_total')).toBe(1);
  });

  it('answers /metrics without a secret and without touching the notify counters', async () => {
    const before = (await scrape()).sum('payment_notify_notifications_total');
    const response = await h.get('/metrics');
    const text = await response.text();
    for (const secret of [
      h.env.WECHAT_SECRET,
      h.env.WECHATPAY_APIV3_KEY,
      ...h.sandbox.issuedTokens(),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(PrometheusText.parse(text).sum('payment_notify_notifications_total')).toBe(before);
  });

  describe('GET /docs', () => {
    let doc: OpenApiDocument;

    beforeAll(async () => {
      const response = await h.get('/docs');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      doc = (await response.json()) as OpenApiDocument;
    });

    const schemaOf = (path: string, method: string, status: string): OpenApiSchema | undefined =>
      doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;

    it('is an OpenAPI 3 document of the four contract routes', () => {
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths['/wechatpay/notify'])).toEqual(['post']);
      expect(doc.paths['/payments/{transactionId}'].get).toBeDefined();
      expect(doc.paths['/unionids/{openid}'].get).toBeDefined();
      expect(doc.paths['/health'].get).toBeDefined();
      expect(doc.paths['/metrics'].get).toBeDefined();
    });

    it('describes PaymentView with exactly the contract fields, and the real answer matches it', async () => {
      const view = doc.components.schemas.PaymentView;
      expect(Object.keys(view.properties ?? {}).sort()).toEqual(PAYMENT_VIEW_FIELDS);
      expect([...(view.required ?? [])].sort()).toEqual(PAYMENT_VIEW_FIELDS);
      expect(view.properties?.status.enum).toEqual(['pending', 'resolved', 'failed']);
      expect(view.properties?.unionid).toMatchObject({ type: 'string', nullable: true });
      expect(view.properties?.error.nullable).toBe(true);
      const error = doc.components.schemas.PaymentError;
      expect(Object.keys(error.properties ?? {}).sort()).toEqual(['errcode', 'errmsg']);
      expect(error.properties?.errcode).toMatchObject({ type: 'integer', nullable: true });
      expect(schemaOf('/payments/{transactionId}', 'get', '200')?.$ref).toBe(
        '#/components/schemas/PaymentView',
      );

      const payment = h.pay('o-docs-answer');
      expect((await h.post(h.notification(payment))).status).toBe(204);
      const answer = await h.settled(payment.transactionId);
      expect(Object.keys(answer).sort()).toEqual(PAYMENT_VIEW_FIELDS);
    });

    it('describes UnionIdView and the notify route answering FailBody', () => {
      expect(Object.keys(doc.components.schemas.UnionIdView.properties ?? {}).sort()).toEqual([
        'openid',
        'unionid',
      ]);
      expect(schemaOf('/unionids/{openid}', 'get', '200')?.$ref).toBe(
        '#/components/schemas/UnionIdView',
      );
      const fail = doc.components.schemas.FailBody;
      expect(Object.keys(fail.properties ?? {}).sort()).toEqual(['code', 'message']);
      expect(fail.properties?.code.enum).toEqual(['FAIL']);
      const notify = doc.paths['/wechatpay/notify'].post.responses;
      expect(notify['204']).toBeDefined();
      for (const status of ['400', '401', '413', '500']) {
        expect(schemaOf('/wechatpay/notify', 'post', status)?.$ref).toBe(
          '#/components/schemas/FailBody',
        );
      }
    });

    it('serves the same document at /docs-json', async () => {
      expect(await (await h.get('/docs-json')).json()).toEqual(doc);
    });
  });
});
