import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** What the test server saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Which TCP connection carried it (1, 2, ...). */
  connection: number;
}

/**
 * A local HTTP server for the adapter's specs. Routes: `/json` (200 JSON), `/status/<n>` (that
 * status, JSON body), `/hang` (never answers), `/slow/<ms>`, `/reset` (closes the connection
 * without answering), `/echo` (the request's body and content type back), `/gzip` (gzipped JSON),
 * and a minimal WeChat: `/cgi-bin/stable_token` and `/wxa/getpaidunionid` (`openid=hang` hangs).
 */
export class TestHttpServer {
  readonly requests: SeenRequest[] = [];
  /** Connections accepted, how many are still open, and the ids of the closed ones. */
  connections = 0;
  open = 0;
  readonly closed = new Set<number>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestHttpServer> {
    const server = createServer();
    const test = new TestHttpServer(server);
    server.on('connection', (socket: Socket & { connectionId?: number }) => {
      test.connections += 1;
      test.open += 1;
      socket.connectionId = test.connections;
      test.sockets.add(socket);
      socket.on('close', () => {
        test.open -= 1;
        test.closed.add(socket.connectionId ?? 0);
        test.sockets.delete(socket);
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void test.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return test;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const socket = req.socket as Socket & { connectionId?: number };
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      connection: socket.connectionId ?? 0,
    });
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (path === '/json') return json(200, { errcode: 0, unionid: 'u-1' });
    if (path === '/cgi-bin/stable_token') {
      return json(200, { access_token: 'token-1', expires_in: 7200 });
    }
    if (path === '/wxa/getpaidunionid') {
      if (req.url?.includes('openid=hang')) return;
      return json(200, { errcode: 0, errmsg: 'ok', unionid: 'u-1' });
    }
    if (path.startsWith('/status/')) return json(Number(path.slice(8)), { errcode: -1 });
    if (path === '/hang') return;
    if (path.startsWith('/slow/')) {
      setTimeout(() => json(200, { errcode: 0, slow: true }), Number(path.slice(6)));
      return;
    }
    if (path === '/reset') {
      req.socket.destroy();
      return;
    }
    if (path === '/echo') {
      return json(200, { body, contentType: req.headers['content-type'] ?? null });
    }
    if (path === '/gzip') {
      const { gzipSync } = await import('node:zlib');
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ errcode: 0, zipped: true })));
      return;
    }
    json(404, { errcode: 404 });
  }
}

/** What the proxy saw of one CONNECT request. */
export interface SeenConnect {
  target: string;
  proxyAuthorization?: string;
}

/**
 * A tiny HTTP CONNECT proxy on loopback. Every tunnel leads to `upstreamPort` on 127.0.0.1,
 * whatever host was asked for (so a test can ask for `api.weixin.qq.com` without DNS); with
 * `refuse` set it answers 403 instead. Plain (non-CONNECT) proxy requests get 405.
 */
export class TestConnectProxy {
  readonly connects: SeenConnect[] = [];
  /** Requests that were not CONNECT (a forward proxy would see the whole URL). */
  readonly plainRequests: string[] = [];
  refuse = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly upstreamPort: number,
  ) {}

  static async start(upstreamPort: number): Promise<TestConnectProxy> {
    const server = createServer();
    const proxy = new TestConnectProxy(server, upstreamPort);
    server.on('connection', (socket: Socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      proxy.plainRequests.push(`${req.method} ${req.url}`);
      res.writeHead(405).end();
    });
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) =>
      proxy.tunnel(req, client, head),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    this.connects.push({
      target: req.url ?? '',
      proxyAuthorization: req.headers['proxy-authorization'],
    });
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    if (this.refuse) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(this.upstreamPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  }
}
