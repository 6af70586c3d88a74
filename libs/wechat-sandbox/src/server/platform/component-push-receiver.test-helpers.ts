import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { SandboxComponentConfig } from '../interfaces';
import { openComponentPush } from './component-push.builder';

/** One push as a platform's authorisation-event URL received it, checked and decrypted. */
export interface ReceivedComponentPush {
  method: string;
  path: string;
  contentType: string | undefined;
  query: Record<string, string>;
  body: string;
  /** The decrypted XML. */
  message: string;
  /** The decrypted XML's elements (flat, CDATA unwrapped). */
  fields: Record<string, string>;
}

/**
 * A tiny authorisation-event receiver on loopback: checks `msg_signature`, decrypts with the
 * platform's key, records the push and answers `answer` (default 200 `success`). A push that
 * does not verify is answered 400 and recorded in `rejected`.
 */
export class ComponentPushReceiver {
  readonly received: ReceivedComponentPush[] = [];
  readonly rejected: string[] = [];
  answer = { status: 200, body: 'success' };
  /** When set, requests are never answered (to test push timeouts and stop()). */
  hang = false;
  /** Requests that arrived, answered or not. */
  arrivals = 0;

  private constructor(
    private readonly server: Server,
    private readonly component: SandboxComponentConfig,
    readonly url: string,
  ) {}

  static async start(
    component: SandboxComponentConfig,
    path = '/wechat/component/events',
  ): Promise<ComponentPushReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    const receiver = new ComponentPushReceiver(
      server,
      component,
      `http://127.0.0.1:${address.port}${path}`,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void receiver.handle(req, res);
    });
    return receiver;
  }

  /** Fields of every received push, in order. */
  events(): Array<Record<string, string>> {
    return this.received.map((push) => push.fields);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.arrivals += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (this.hang) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    try {
      const { message } = openComponentPush({ ...this.component, query, body });
      this.received.push({
        method: req.method ?? '',
        path: url.pathname,
        contentType: req.headers['content-type'],
        query,
        body,
        message,
        fields: flatFields(message),
      });
    } catch (error) {
      this.rejected.push((error as Error).message);
      res.writeHead(400).end('bad push');
      return;
    }
    res.writeHead(this.answer.status, { 'content-type': 'text/plain' }).end(this.answer.body);
  }
}

function flatFields(xml: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const element = /<([A-Za-z_][\w]*)>(?:<!\[CDATA\[([\s\S]*?)]]>|([^<]*))<\/\1>/g;
  for (const match of xml.matchAll(element)) fields[match[1]] = match[2] ?? match[3];
  return fields;
}
