import { Agent, request } from 'node:http';

/** RFC 3986 query encoding, as the library sends it (also `!'()*`). */
const encode = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * The baseline of benchmark 2: the same `GET /wxa/getpaidunionid` request written by hand on a
 * keep-alive `node:http` agent, with the same checks of the answer (HTTP 200, JSON, errcode 0,
 * a unionid) and a per-request timeout. No retries: nothing fails in this benchmark.
 */
export class RawPaidUnionIdClient {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    private readonly accessToken: string,
    private readonly timeoutMs = 5000,
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  /** One stable_token fetch (the token is then reused for every call). */
  static async fetchToken(baseUrl: string, appId: string, secret: string): Promise<string> {
    const response = await fetch(`${baseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: appId, secret }),
    });
    const answer = (await response.json()) as { access_token?: string; errcode?: number };
    if (!answer.access_token) throw new Error(`stable_token failed: errcode ${answer.errcode}`);
    return answer.access_token;
  }

  getPaidUnionId(openid: string, transactionId: string): Promise<string> {
    const path =
      `/wxa/getpaidunionid?access_token=${encode(this.accessToken)}` +
      `&openid=${encode(openid)}&transaction_id=${encode(transactionId)}`;
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.host, port: this.port, path, method: 'GET', agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`HTTP ${res.statusCode}`));
              return;
            }
            try {
              const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                errcode?: number;
                unionid?: unknown;
              };
              if ((answer.errcode ?? 0) !== 0) reject(new Error(`errcode ${answer.errcode}`));
              else if (typeof answer.unionid !== 'string' || answer.unionid === '') {
                reject(new Error('no unionid'));
              } else resolve(answer.unionid);
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
