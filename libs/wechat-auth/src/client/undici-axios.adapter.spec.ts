import { HttpService } from '@nestjs/axios';
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { once } from 'node:events';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { FAKE_TIMERS_WITH_REAL_IO } from '../wechat-auth.test-helpers';
import {
  createUndiciAdapter,
  isUndiciAdapter,
  NEVER_CANCELED,
  type UndiciAdapterOptions,
  type UndiciAxiosAdapter,
} from './undici-axios.adapter';
import { TestConnectProxy, TestHttpServer } from './undici-axios.test-helpers';

const TOKEN = 'ACCESS_TOKEN_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const SECRET = 'f3c1a9e07b2d4c5e8a6f0b1c2d3e4f5a';

/** Every text an error shows: message, stack, code, and the same of its cause. */
function printed(error: unknown): string {
  const e = error as Error & { code?: string; cause?: Error & { code?: string } };
  return [e.message, e.stack, e.code, e.cause?.message, e.cause?.stack, String(e)].join('\n');
}

async function failure(promise: Promise<unknown>): Promise<AxiosError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AxiosError);
    return error as AxiosError;
  }
  throw new Error('the request did not fail');
}

describe('createUndiciAdapter', () => {
  let server: TestHttpServer;
  let adapter: UndiciAxiosAdapter;
  let client: AxiosInstance;
  const proxies: TestConnectProxy[] = [];
  const adapters: UndiciAxiosAdapter[] = [];

  function instance(options: UndiciAdapterOptions = { proxy: false }): AxiosInstance {
    const made = createUndiciAdapter(options);
    adapters.push(made);
    return axios.create({ adapter: made, timeout: 2000, maxRedirects: 0 });
  }

  beforeEach(async () => {
    server = await TestHttpServer.start();
    adapter = createUndiciAdapter({ proxy: false });
    adapters.push(adapter);
    client = axios.create({ adapter, timeout: 2000, maxRedirects: 0 });
  });

  afterEach(async () => {
    jest.useRealTimers();
    await Promise.all(adapters.splice(0).map((each) => each.destroy()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
    await server.stop();
  });

  it('is recognised as the adapter with pools', () => {
    expect(isUndiciAdapter(adapter)).toBe(true);
    expect(isUndiciAdapter(axios.defaults.adapter)).toBe(false);
  });

  it('answers JSON with status, headers and the parsed body', async () => {
    const response = await client.get(`${server.url}/json?a=1`, { responseType: 'json' });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ errcode: 0, unionid: 'u-1' });
    expect(response.headers['content-type']).toBe('application/json');
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/json?a=1' });
  });

  it('hands axios only the response headers asked for, when asked', async () => {
    const all = await client.get(`${server.url}/json`);
    expect(Object.keys(all.headers)).toEqual(
      expect.arrayContaining(['content-type', 'date', 'connection']),
    );
    const picked = await instance({ proxy: false, responseHeaders: ['Content-Type'] }).get(
      `${server.url}/json`,
    );
    expect({ ...picked.headers }).toEqual({ 'content-type': 'application/json' });
    expect(picked.data).toEqual({ errcode: 0, unionid: 'u-1' });
  });

  it('builds the URL from baseURL and params as axios does', async () => {
    const based = axios.create({ adapter, baseURL: `${server.url}/`, timeout: 2000 });
    await based.get('/json', { params: { openid: 'o x', n: 2 } });
    expect(server.requests[0].url).toBe('/json?openid=o+x&n=2');
  });

  it('keeps connections alive: sequential and concurrent requests reuse their connections', async () => {
    for (let i = 0; i < 20; i++) await client.get(`${server.url}/json`);
    // undici checks an idle connection (one event-loop turn) before reusing it, so a request
    // sent right after the previous answer may take the pool's second connection.
    expect(server.connections).toBeLessThanOrEqual(2);
    for (let burst = 0; burst < 6; burst++) {
      await Promise.all(Array.from({ length: 8 }, () => client.get(`${server.url}/slow/20`)));
    }
    // 68 requests, at most 8 at once: the pool grows to at most twice that (a connection being
    // checked counts as busy) and then reuses what it has.
    expect(server.connections).toBeLessThanOrEqual(2 + 16);
    expect(server.closed.size).toBe(0);
  });

  it('sends a JSON body with its content type and length (the stable_token POST)', async () => {
    const body = { grant_type: 'client_credential', appid: 'wx0123456789abcdef', secret: SECRET };
    const response = await client.post(`${server.url}/echo`, body);
    expect(JSON.parse(response.data.body as string)).toEqual(body);
    expect(response.data.contentType).toBe('application/json');
    expect(server.requests[0].headers['content-length']).toBe(
      String(Buffer.byteLength(JSON.stringify(body))),
    );
  });

  it('applies validateStatus: a 503 rejects by default and resolves when every status is valid', async () => {
    const rejected = await failure(client.get(`${server.url}/status/503`));
    expect(rejected.code).toBe(AxiosError.ERR_BAD_RESPONSE);
    expect(rejected.response?.status).toBe(503);
    expect(rejected.response?.data).toEqual({ errcode: -1 });
    const notFound = await failure(client.get(`${server.url}/status/404`));
    expect(notFound.code).toBe(AxiosError.ERR_BAD_REQUEST);
    const accepted = await client.get(`${server.url}/status/503`, { validateStatus: () => true });
    expect(accepted.status).toBe(503);
  });

  it('times a hanging request out as ECONNABORTED (ETIMEDOUT when clarified) and drops its connection', async () => {
    const started = Date.now();
    const error = await failure(client.get(`${server.url}/hang`, { timeout: 150 }));
    expect(error.code).toBe('ECONNABORTED');
    expect(error.message).toBe('timeout of 150ms exceeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1500);
    const clarified = await failure(
      client.get(`${server.url}/hang`, {
        timeout: 100,
        transitional: { clarifyTimeoutError: true },
      }),
    );
    expect(clarified.code).toBe('ETIMEDOUT');
    // The hung connections were closed, not returned to the pool.
    const hung = server.requests.filter((r) => r.url === '/hang').map((r) => r.connection);
    for (let i = 0; i < 50 && !hung.every((id) => server.closed.has(id)); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(hung.every((id) => server.closed.has(id))).toBe(true);
    await expect(client.get(`${server.url}/json`)).resolves.toMatchObject({ status: 200 });
  });

  it('gives up a connection attempt after connectTimeoutMs (here a TLS handshake never answered)', async () => {
    // Accepts, reads (and drops) the TLS ClientHello, never answers.
    const silent = createNetServer((socket) => held.push(socket.resume()));
    const held: Socket[] = [];
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    try {
      const quick = instance({ proxy: false, connectTimeoutMs: 100 });
      const error = await failure(quick.get(`https://127.0.0.1:${port}/json`, { timeout: 5000 }));
      expect(error.code).toBe('ETIMEDOUT');
      expect(error.message).toBe(`connect ETIMEDOUT 127.0.0.1:${port}`);
      // The socket that was connecting was closed.
      for (let i = 0; i < 50 && held.some((s) => !s.destroyed); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(held.length).toBeGreaterThan(0);
      expect(held.every((s) => s.destroyed)).toBe(true);
    } finally {
      held.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('a request slower than the default but within its own timeout succeeds', async () => {
    const response = await client.get(`${server.url}/slow/300`, { timeout: 1000 });
    expect(response.data).toEqual({ errcode: 0, slow: true });
  });

  it('cancels on signal abort with CanceledError (before and during the request) and on a cancel token', async () => {
    const controller = new AbortController();
    const pending = failure(client.get(`${server.url}/hang`, { signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const canceled = await pending;
    expect(axios.isCancel(canceled)).toBe(true);
    expect(canceled.code).toBe('ERR_CANCELED');
    expect(canceled.message).toBe('canceled');

    const before = await failure(client.get(`${server.url}/json`, { signal: controller.signal }));
    expect(before.code).toBe('ERR_CANCELED');

    const source = axios.CancelToken.source();
    const byToken = failure(client.get(`${server.url}/hang`, { cancelToken: source.token }));
    await new Promise((r) => setTimeout(r, 50));
    source.cancel('no longer needed');
    const tokenError = await byToken;
    expect(axios.isCancel(tokenError)).toBe(true);
    expect(tokenError.message).toBe('no longer needed');
  });

  it('many requests share one signal; aborting it cancels them all and later ones still work', async () => {
    const shared = new AbortController();
    const quick = await Promise.all(
      Array.from({ length: 20 }, () => client.get(`${server.url}/json`, { signal: shared.signal })),
    );
    expect(quick.every((r) => r.status === 200)).toBe(true);
    const hanging = Array.from({ length: 5 }, () =>
      failure(client.get(`${server.url}/hang`, { signal: shared.signal, timeout: 5000 })),
    );
    await new Promise((r) => setTimeout(r, 50));
    shared.abort();
    for (const error of await Promise.all(hanging)) expect(error.code).toBe('ERR_CANCELED');
  });

  it('reports a connection closed before the answer as ECONNRESET "socket hang up"', async () => {
    const error = await failure(client.get(`${server.url}/reset`));
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toBe('socket hang up');
  });

  it('reports a refused connection with Node’s code and message', async () => {
    const port = server.port;
    await server.stop();
    const error = await failure(client.get(`http://127.0.0.1:${port}/json`));
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toContain('ECONNREFUSED');
    server = await TestHttpServer.start();
  });

  it('puts no access_token or secret in any error it raises', async () => {
    const query = `?access_token=${TOKEN}&openid=o1`;
    const body = { grant_type: 'client_credential', appid: 'wx0123456789abcdef', secret: SECRET };
    const errors = [
      await failure(client.get(`${server.url}/hang${query}`, { timeout: 100 })),
      await failure(client.get(`${server.url}/reset${query}`)),
      await failure(client.get(`${server.url}/status/502${query}`)),
      await failure(client.post(`${server.url}/reset${query}`, body)),
      await failure(client.get(`http://127.0.0.1:1/cgi-bin/token?appid=wx1&secret=${SECRET}`)),
    ];
    for (const error of errors) {
      expect(printed(error)).not.toContain(TOKEN);
      expect(printed(error)).not.toContain(SECRET);
    }
  });

  it('decompresses a gzip answer and honours maxContentLength', async () => {
    const zipped = await client.get(`${server.url}/gzip`);
    expect(zipped.data).toEqual({ errcode: 0, zipped: true });
    expect(zipped.headers['content-encoding']).toBeUndefined();
    const tooBig = await failure(client.get(`${server.url}/json`, { maxContentLength: 5 }));
    expect(tooBig.code).toBe(AxiosError.ERR_BAD_RESPONSE);
    expect(tooBig.message).toBe('maxContentLength size of 5 exceeded');
  });

  it('answers arraybuffer as a Buffer and refuses responseType stream', async () => {
    const raw = await client.get(`${server.url}/json`, { responseType: 'arraybuffer' });
    expect(Buffer.isBuffer(raw.data)).toBe(true);
    expect(JSON.parse((raw.data as Buffer).toString('utf8'))).toEqual({
      errcode: 0,
      unionid: 'u-1',
    });
    const stream = await failure(client.get(`${server.url}/json`, { responseType: 'stream' }));
    expect(stream.code).toBe(AxiosError.ERR_BAD_OPTION_VALUE);
  });

  it('works under HttpService with the never-firing cancel token', async () => {
    const http = new HttpService(client);
    const config: AxiosRequestConfig = {
      method: 'GET',
      url: `${server.url}/json`,
      cancelToken: NEVER_CANCELED,
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => firstValueFrom(http.request(config))),
    );
    expect(answers.map((a) => a.data.unionid)).toEqual(Array(10).fill('u-1'));
  });

  it('destroy() closes the pools: requests in flight and later ones fail as cancelled', async () => {
    await client.get(`${server.url}/json`);
    expect(server.open).toBe(1);
    const inFlight = failure(client.get(`${server.url}/hang`));
    await new Promise((r) => setTimeout(r, 50));
    await adapter.destroy();
    expect((await inFlight).code).toBe('ERR_CANCELED');
    const later = await failure(client.get(`${server.url}/json`));
    expect(later.code).toBe('ERR_CANCELED');
    for (let i = 0; i < 50 && server.open > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.open).toBe(0);
  });

  it('leaves no timer behind under Jest fake timers (no keep-alive timer of undici’s)', async () => {
    jest.useFakeTimers(FAKE_TIMERS_WITH_REAL_IO);
    const response = await client.get(`${server.url}/json`, { timeout: 1000 });
    expect(response.status).toBe(200);
    expect(jest.getTimerCount()).toBe(0);
  });

  describe('proxies', () => {
    async function proxy(): Promise<TestConnectProxy> {
      const started = await TestConnectProxy.start(server.port);
      proxies.push(started);
      return started;
    }

    it('tunnels through HTTP_PROXY with CONNECT: the proxy never sees the path or query', async () => {
      const tunnel = await proxy();
      const proxied = instance({ env: { HTTP_PROXY: tunnel.url } });
      const response = await proxied.get(`http://wechat.example.test/json?access_token=${TOKEN}`);
      expect(response.data).toEqual({ errcode: 0, unionid: 'u-1' });
      await proxied.get(`http://wechat.example.test/json?access_token=${TOKEN}`);
      expect(tunnel.connects.length).toBeGreaterThanOrEqual(1);
      expect(tunnel.connects.length).toBeLessThanOrEqual(2);
      for (const seen of tunnel.connects) {
        expect(seen).toEqual({ target: 'wechat.example.test:80', proxyAuthorization: undefined });
      }
      expect(tunnel.plainRequests).toEqual([]);
      expect(server.requests.map((r) => r.headers.host)).toEqual([
        'wechat.example.test',
        'wechat.example.test',
      ]);
    });

    it('uses https_proxy for https origins, with the credentials of the proxy URL', async () => {
      const tunnel = await proxy();
      tunnel.refuse = true;
      const url = new URL(tunnel.url);
      url.username = 'user';
      url.password = 'p@ss';
      const proxied = instance({
        env: { https_proxy: url.href, HTTP_PROXY: 'http://127.0.0.1:1' },
      });
      const error = await failure(
        proxied.get(`https://api.weixin.qq.com/wxa/getpaidunionid?access_token=${TOKEN}`),
      );
      expect(tunnel.connects).toEqual([
        {
          target: 'api.weixin.qq.com:443',
          proxyAuthorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
        },
      ]);
      expect(printed(error)).not.toContain(TOKEN);
      expect(printed(error)).not.toContain('p@ss');
      expect(printed(error)).not.toContain('p%40ss');
    });

    it('goes direct to loopback, to NO_PROXY hosts, with proxy: false and with a request’s proxy: false', async () => {
      const tunnel = await proxy();
      await instance({ env: { HTTP_PROXY: tunnel.url } }).get(`${server.url}/json`);
      await instance({ env: { http_proxy: tunnel.url, NO_PROXY: 'example.test' } })
        .get('http://wechat.example.test/json', { timeout: 300 })
        .catch(() => undefined); // no such host: what matters is that the proxy was not asked
      await instance({ env: { HTTP_PROXY: tunnel.url }, proxy: false })
        .get('http://wechat.example.test/json', { timeout: 300 })
        .catch(() => undefined);
      await instance({ env: { HTTP_PROXY: tunnel.url } })
        .get('http://wechat.example.test/json', { proxy: false, timeout: 300 })
        .catch(() => undefined);
      expect(tunnel.connects).toEqual([]);
    });

    it('takes a proxy from the option, and from a request’s axios proxy setting', async () => {
      const tunnel = await proxy();
      await instance({ proxy: tunnel.url }).get(`${server.url}/json`);
      const port = new URL(tunnel.url).port;
      await instance({ proxy: false }).get('http://wechat.example.test/json', {
        proxy: { protocol: 'http', host: '127.0.0.1', port: Number(port) },
      });
      expect(tunnel.connects.map((c) => c.target)).toEqual([
        `127.0.0.1:${server.port}`,
        'wechat.example.test:80',
      ]);
    });
  });
});
