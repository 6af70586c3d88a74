import { Agent, request, type IncomingMessage } from 'node:http';

/** Where the baseline's lookups go, and how many run at once (the app's default). */
export interface BaselineLookupOptions {
  wechatApiBaseUrl: string;
  appId: string;
  secret: string;
  concurrency: number;
}

interface Lookup {
  transactionId: string;
  openid: string;
  deadlineMs: number;
  attempt: number;
}

/** The app's default retry policy (WECHAT_AUTH_DEFAULTS): 200 ms doubling to 3 s, with jitter. */
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 3000;
const TIMEOUT_MS = 5000;
const TOKEN_REJECTED = new Set([40001, 40014, 42001]);

type Answer = Record<string, unknown>;

/**
 * The lookups of the bare baseline: getpaidunionid over a raw keep-alive `node:http` client, at
 * most `concurrency` at once, one stable_token fetched once (and again after a rejection),
 * `-1`/5xx/network failures retried with backoff until the payment's deadline. What it learns
 * goes to `resolved` / `failed`, which the handler writes with group commit.
 */
export class BaselineLookups {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly queue: Lookup[] = [];
  private active = 0;
  private token?: Promise<string>;

  constructor(
    private readonly options: BaselineLookupOptions,
    private readonly resolved: (transactionId: string, unionid: string) => void,
    private readonly failed: (transactionId: string, errcode: number | null) => void,
  ) {
    const url = new URL(options.wechatApiBaseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  }

  schedule(transactionId: string, openid: string, deadlineMs: number): void {
    this.queue.push({ transactionId, openid, deadlineMs, attempt: 0 });
    this.next();
  }

  close(): void {
    this.agent.destroy();
  }

  private next(): void {
    while (this.active < this.options.concurrency && this.queue.length > 0) {
      const lookup = this.queue.shift()!;
      this.active += 1;
      void this.run(lookup).finally(() => {
        this.active -= 1;
        this.next();
      });
    }
  }

  private async run(lookup: Lookup): Promise<void> {
    for (let tokenRetried = false; ; lookup.attempt += 1) {
      let answer: Answer | undefined;
      let token: string | undefined;
      try {
        token = await this.accessToken();
        const query = `access_token=${encodeURIComponent(token)}&openid=${encodeURIComponent(
          lookup.openid,
        )}&transaction_id=${encodeURIComponent(lookup.transactionId)}`;
        answer = await this.send('GET', `/wxa/getpaidunionid?${query}`);
      } catch {
        answer = undefined; // network failure or 5xx: retried below
      }
      const errcode = typeof answer?.errcode === 'number' ? answer.errcode : 0;
      if (answer && errcode === 0 && typeof answer.unionid === 'string') {
        this.resolved(lookup.transactionId, answer.unionid);
        return;
      }
      if (answer && TOKEN_REJECTED.has(errcode) && !tokenRetried) {
        tokenRetried = true;
        if (token !== undefined && this.token && (await this.token) === token)
          this.token = undefined;
        continue;
      }
      if (answer && errcode !== -1) {
        this.failed(lookup.transactionId, errcode);
        return;
      }
      const delay =
        Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** lookup.attempt) * (0.5 + Math.random() / 2);
      if (Date.now() + delay >= lookup.deadlineMs) {
        this.failed(lookup.transactionId, answer ? errcode : null);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private accessToken(): Promise<string> {
    this.token ??= this.send('POST', '/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: this.options.appId,
      secret: this.options.secret,
      force_refresh: false,
    }).then(
      (answer) => {
        if (typeof answer.access_token !== 'string') throw new Error('no access_token');
        return answer.access_token;
      },
      (error: unknown) => {
        this.token = undefined;
        throw error;
      },
    );
    return this.token;
  }

  private send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method,
          path,
          timeout: TIMEOUT_MS,
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : undefined,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 300) return reject(new Error(`HTTP ${res.statusCode}`));
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer);
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
