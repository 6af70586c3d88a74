import type { SandboxFaults } from './interfaces';
import { SandboxInputError } from './errors';
import { WechatSandbox } from './wechat-sandbox.server';

const APP = { appId: 'wx00000000000000c1', secret: 'secret-c1' };
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

type Json = Record<string, unknown>;

/** What a getpaidunionid call came back with. */
type Outcome =
  | { kind: 'json'; status: number; body: Json }
  | { kind: 'text'; status: number; text: string }
  | { kind: 'failed' };

async function call(url: string, init?: RequestInit): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    return { kind: 'failed' };
  }
  const text = await res.text();
  try {
    return { kind: 'json', status: res.status, body: JSON.parse(text) as Json };
  } catch {
    return { kind: 'text', status: res.status, text };
  }
}

/** Polls (no time limit assertion) until `condition` holds. */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(condition()).toBe(true);
}

/** One-letter summary of an outcome: o = ok, b = busy, 5 = HTTP 502, r = reset. */
function letter(outcome: Outcome): string {
  if (outcome.kind === 'failed') return 'r';
  if (outcome.kind === 'text') return outcome.status === 502 ? '5' : '?';
  return outcome.body.errcode === 0 ? 'o' : outcome.body.errcode === -1 ? 'b' : '?';
}

describe('WechatSandbox faults', () => {
  let sandbox: WechatSandbox;
  let lookupUrl: string;

  async function start(seed = 1): Promise<WechatSandbox> {
    const started = await WechatSandbox.start({ apps: [APP], seed });
    const res = await fetch(
      `${started.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`,
    );
    const token = ((await res.json()) as Json).access_token as string;
    const payment = started.registerPayment({ openid: 'o-fault' });
    lookupUrl = `${started.url}/wxa/getpaidunionid?access_token=${token}&openid=o-fault&transaction_id=${payment.transactionId}`;
    return started;
  }

  beforeEach(async () => {
    sandbox = await start();
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  const tokenUrl = (): string =>
    `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`;
  const stableInit = (): RequestInit => ({
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret }),
  });

  it('busy: answers {"errcode":-1,"errmsg":"system error rid: ..."}', async () => {
    sandbox.failNext('busy');
    const outcome = await call(lookupUrl);
    expect(outcome).toEqual({
      kind: 'json',
      status: 200,
      body: {
        errcode: -1,
        errmsg: expect.stringMatching(new RegExp(`^system error${RID.source}`)),
      },
    });
    expect(letter(await call(lookupUrl))).toBe('o');
  });

  it('http5xx: answers HTTP 502 with a body that is not JSON', async () => {
    sandbox.failNext('http5xx');
    const outcome = await call(lookupUrl);
    expect(outcome).toEqual({
      kind: 'text',
      status: 502,
      text: expect.stringContaining('502 Bad Gateway'),
    });
  });

  it('reset: destroys the socket without an answer', async () => {
    sandbox.failNext('reset');
    expect(await call(lookupUrl)).toEqual({ kind: 'failed' });
    expect(letter(await call(lookupUrl))).toBe('o');
    expect(sandbox.counters().lookups).toBe(2);
  });

  it('an errcode fault answers that errcode, with the usual or a given errmsg', async () => {
    sandbox.failNext({ errcode: 45011 }, { errcode: 40001, errmsg: 'custom text' });
    const first = await call(lookupUrl);
    const second = await call(lookupUrl);
    expect(first).toEqual({
      kind: 'json',
      status: 200,
      body: { errcode: 45011, errmsg: expect.stringMatching(/^api minute-quota reach limit/) },
    });
    expect(second).toEqual({
      kind: 'json',
      status: 200,
      body: {
        errcode: 40001,
        errmsg: expect.stringMatching(new RegExp(`^custom text${RID.source}`)),
      },
    });
  });

  it('hang (queued): the request gets no answer, and stop() still closes', async () => {
    sandbox.failNext('hang');
    const pending = call(lookupUrl);
    await waitUntil(() => sandbox.counters().lookups === 1);
    await sandbox.stop();
    expect(await pending).toEqual({ kind: 'failed' });
  });

  it('hang (standing): requests wait until hang is turned off', async () => {
    sandbox.setFaults({ hang: true });
    const first = call(lookupUrl);
    const second = call(lookupUrl);
    await waitUntil(() => sandbox.counters().lookups === 2);
    let settled = false;
    void first.then(() => (settled = true));
    // Control routes are never faulted, so this answers while lookups hang.
    const counters = await call(`${sandbox.url}/__sandbox/counters`);
    expect(counters).toMatchObject({ kind: 'json', status: 200, body: { lookups: 2 } });
    expect(settled).toBe(false);

    sandbox.setFaults({});
    expect(letter(await first)).toBe('o');
    expect(letter(await second)).toBe('o');
  });

  it('hang (standing): stop() closes hung requests', async () => {
    sandbox.setFaults({ hang: true });
    const pending = call(lookupUrl);
    await waitUntil(() => sandbox.counters().lookups === 1);
    await sandbox.stop();
    expect(await pending).toEqual({ kind: 'failed' });
  });

  it('delayMs holds answers back; stop() closes a delayed request', async () => {
    sandbox.setFaults({ delayMs: 20 });
    expect(letter(await call(lookupUrl))).toBe('o');

    sandbox.setFaults({ delayMs: 10 * 60 * 1000 });
    const pending = call(lookupUrl);
    await waitUntil(() => sandbox.counters().lookups === 2);
    await sandbox.stop();
    expect(await pending).toEqual({ kind: 'failed' });
  });

  it('consumes the failNext queue in order, one per call, before the rates', async () => {
    sandbox.setFaults({ resetRate: 1 });
    sandbox.failNext('busy', { errcode: 45009 }, 'http5xx');
    sandbox.failNext('busy');
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await call(lookupUrl));
    expect(outcomes.map(letter)).toEqual(['b', '?', '5', 'b', 'r']);
    expect(outcomes[1]).toMatchObject({ body: { errcode: 45009 } });
  });

  it('rate faults with the same seed give the same sequence', async () => {
    const faults: SandboxFaults = { busyRate: 0.3, http5xxRate: 0.2, resetRate: 0.1 };
    const run = async (seed: number): Promise<string> => {
      await sandbox.stop();
      sandbox = await start(seed);
      sandbox.setFaults(faults);
      let letters = '';
      for (let i = 0; i < 30; i += 1) letters += letter(await call(lookupUrl));
      return letters;
    };
    const first = await run(42);
    const second = await run(42);
    expect(second).toBe(first);
    for (const kind of ['o', 'b', '5', 'r']) expect(first).toContain(kind);
    expect(await run(7)).not.toBe(first);
  });

  it('rate 1 faults every call and rate 0 none', async () => {
    sandbox.setFaults({ http5xxRate: 1 });
    expect([await call(lookupUrl), await call(lookupUrl)].map(letter)).toEqual(['5', '5']);
    sandbox.setFaults({ http5xxRate: 0 });
    expect(letter(await call(lookupUrl))).toBe('o');
  });

  it('standing faults do not apply to the token endpoints', async () => {
    sandbox.setFaults({ busyRate: 1, hang: false });
    const classic = await call(tokenUrl());
    expect(classic).toMatchObject({ kind: 'json', body: { expires_in: 7200 } });
  });

  it('failNextToken: queued faults hit the next token calls (classic and stable)', async () => {
    sandbox.failNextToken('http5xx', 'busy', { errcode: 45009 }, 'reset');
    expect(await call(tokenUrl())).toMatchObject({ kind: 'text', status: 502 });
    expect(await call(`${sandbox.url}/cgi-bin/stable_token`, stableInit())).toMatchObject({
      kind: 'json',
      body: { errcode: -1 },
    });
    expect(await call(tokenUrl())).toMatchObject({ kind: 'json', body: { errcode: 45009 } });
    expect(await call(tokenUrl())).toEqual({ kind: 'failed' });
    expect(await call(tokenUrl())).toMatchObject({ kind: 'json', body: { expires_in: 7200 } });
    // The lookup queue is separate.
    expect(letter(await call(lookupUrl))).toBe('o');
    expect(sandbox.counters().tokenCalls.total).toBe(6);
  });

  it('tokenError: every token fetch answers that error until cleared', async () => {
    sandbox.setFaults({
      tokenError: { errcode: 40164, errmsg: 'invalid ip 10.0.0.1, not in whitelist' },
    });
    for (const outcome of [
      await call(tokenUrl()),
      await call(`${sandbox.url}/cgi-bin/stable_token`, stableInit()),
    ]) {
      expect(outcome).toEqual({
        kind: 'json',
        status: 200,
        body: {
          errcode: 40164,
          errmsg: expect.stringMatching(/^invalid ip 10\.0\.0\.1, not in whitelist rid: /),
        },
      });
    }
    expect(sandbox.issuedTokens()).toHaveLength(1);
    sandbox.setFaults({});
    expect(await call(tokenUrl())).toMatchObject({ kind: 'json', body: { expires_in: 7200 } });
  });

  it('counts faulted requests too', async () => {
    sandbox.resetCounters();
    sandbox.failNext('busy', 'http5xx', 'reset');
    for (let i = 0; i < 3; i += 1) await call(lookupUrl);
    const counters = sandbox.counters();
    expect(counters.lookups).toBe(3);
    expect(Object.values(counters.lookupsByTransaction)).toEqual([3]);
    expect(counters.successfulLookupsByTransaction).toEqual({});
  });

  it('rejects invalid faults', () => {
    expect(() => sandbox.setFaults({ busyRate: 1.5 })).toThrow(SandboxInputError);
    expect(() => sandbox.setFaults({ delayMs: -1 })).toThrow(SandboxInputError);
    expect(() => sandbox.setFaults({ busyrate: 0.5 } as SandboxFaults)).toThrow(/unknown field/);
    expect(() => sandbox.failNext('slow' as 'busy')).toThrow(SandboxInputError);
    expect(() => sandbox.failNext({ errcode: 0 })).toThrow(SandboxInputError);
  });
});
