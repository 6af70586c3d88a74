import { Agent, request } from 'node:http';

/** POSTs signed notifications over a keep-alive agent, as WeChat Pay would deliver them. */
export class NotificationSender {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(appUrl: string, sockets: number) {
    const url = new URL(appUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Resolves with the HTTP status. */
  post(headers: Record<string, string>, body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const payload = Buffer.from(body, 'utf8');
      const req = request(
        {
          host: this.host,
          port: this.port,
          path: '/wechatpay/notify',
          method: 'POST',
          agent: this.agent,
          headers: { ...headers, 'Content-Length': String(payload.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
