import axios, {
  AxiosError,
  CanceledError,
  type AxiosAdapter,
  type AxiosProxyConfig,
  type AxiosResponse,
  type GenericAbortSignal,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Socket } from 'node:net';
import { buildConnector, errors, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { proxyFromEnvironment, type ProxyEnvironment } from './proxy-from-env';

/** Options of `createUndiciAdapter`. */
export interface UndiciAdapterOptions {
  /**
   * Proxy URL for every request (`http://user:password@proxy.example:3128`), or `false` for none.
   * By default the environment decides, read once when the adapter is created: see
   * `proxyFromEnvironment` (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`). A request's own axios
   * `proxy` setting (an object, or `false`) overrides both.
   */
  proxy?: string | false;
  /** The environment the default proxy choice reads. @default process.env */
  env?: ProxyEnvironment;
  /**
   * Idle keep-alive connections close after this long (or sooner when the server's `Keep-Alive`
   * header says so). @default 4000
   */
  keepAliveTimeoutMs?: number;
  /**
   * A connection attempt (TCP, and TLS for `https:`) fails after this long with `ETIMEDOUT`, so
   * requests that timed out while connecting do not leave sockets connecting behind them.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Only these response headers (lower-case names) reach axios; by default all do. axios
   * normalises every response header on every request (about a microsecond each), so a client
   * that reads few of them can say which.
   */
  responseHeaders?: readonly string[];
}

/** An axios adapter that owns connection pools: `destroy()` closes them. */
export interface UndiciAxiosAdapter extends AxiosAdapter {
  /**
   * Closes every pool and proxy connection at once (requests in flight fail with a
   * `CanceledError`); later requests are refused the same way.
   */
  destroy(): Promise<void>;
}

/**
 * A cancel token that never fires. `HttpService` builds a `CancelToken.source()` for every
 * request without one and cancels it when the observable is torn down, which builds a
 * `CanceledError` (with a stack trace) after every finished request; requests that cancel through
 * `signal` pass this instead. The adapter knows it and does not subscribe to it.
 */
export const NEVER_CANCELED = new axios.CancelToken(() => undefined);

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
const UTF8_BOM = 0xfeff;

/** Where requests to one origin go. */
interface Route {
  readonly origin: string;
  readonly dispatcher: Dispatcher;
  /** `Basic ...` from credentials in the URL. */
  readonly authorization?: string;
}

/**
 * An axios adapter on undici: one keep-alive `Pool` per origin, and undici's `ProxyAgent`
 * (CONNECT tunnels, also for `http:` origins, so a proxy never sees the request's URL) when a
 * proxy applies. It honours `timeout` (from the start of the request to the end of the answer,
 * connecting included; `ECONNABORTED`, or `ETIMEDOUT` with `transitional.clarifyTimeoutError`),
 * `signal` and `cancelToken`, `validateStatus`, `responseType` (`arraybuffer`, else text that
 * axios' `transformResponse` parses as JSON), `responseEncoding`, `decompress`,
 * `maxContentLength`, `maxBodyLength`, `auth`, `params`, `baseURL` and `proxy`. It never
 * follows redirects (as with `maxRedirects: 0`) and does not support `responseType: 'stream'`.
 *
 * Errors are axios errors with the codes Node's `http` module gives: a connection closed before
 * the answer is `ECONNRESET` ("socket hang up"); refused connections, DNS and TLS failures keep
 * their Node code and message. No message quotes the request's URL, headers or body.
 */
export function createUndiciAdapter(options: UndiciAdapterOptions = {}): UndiciAxiosAdapter {
  const client = new UndiciHttpClient(options);
  const adapter = ((config: InternalAxiosRequestConfig) =>
    client.request(config)) as UndiciAxiosAdapter;
  adapter.destroy = () => client.destroy();
  return adapter;
}

/** Whether `adapter` is one `createUndiciAdapter` made. */
export function isUndiciAdapter(adapter: unknown): adapter is UndiciAxiosAdapter {
  return (
    typeof adapter === 'function' && typeof (adapter as UndiciAxiosAdapter).destroy === 'function'
  );
}

class UndiciHttpClient {
  /** Default routes by the origin as the URL spells it. */
  private readonly routes = new Map<string, Route>();
  private readonly pools = new Map<string, Pool>();
  private readonly proxyAgents = new Map<string, ProxyAgent>();
  private readonly env: ProxyEnvironment;
  private readonly connector: buildConnector.connector;
  private readonly responseHeaders: readonly string[] | undefined;
  private closed = false;

  constructor(private readonly options: UndiciAdapterOptions) {
    this.env = options.env ?? process.env;
    this.connector = timedConnector(options.connectTimeoutMs ?? 10_000);
    this.responseHeaders = options.responseHeaders?.map((name) => name.toLowerCase());
  }

  request(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    return new Promise<AxiosResponse>((resolve, reject) => {
      const exchange = new Exchange(config, resolve, reject, this.responseHeaders);
      try {
        this.dispatch(config, exchange);
      } catch (error) {
        exchange.fail(error instanceof AxiosError ? error : toAxiosError(error, config, exchange));
      }
    });
  }

  async destroy(): Promise<void> {
    this.closed = true;
    const dispatchers: Dispatcher[] = [...this.pools.values(), ...this.proxyAgents.values()];
    this.routes.clear();
    this.pools.clear();
    this.proxyAgents.clear();
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()));
  }

  private dispatch(config: InternalAxiosRequestConfig, exchange: Exchange): void {
    if (this.closed) {
      throw new CanceledError('the HTTP client is closed', config, exchange);
    }
    const signal = config.signal;
    if (signal?.aborted) {
      throw new CanceledError(undefined, config, exchange);
    }
    if (config.responseType === 'stream') {
      throw new AxiosError(
        "responseType 'stream' is not supported by this adapter",
        AxiosError.ERR_BAD_OPTION_VALUE,
        config,
      );
    }
    const url = fullUrl(config);
    const split = splitUrl(url);
    if (split === undefined) {
      throw new AxiosError('Invalid URL', AxiosError.ERR_INVALID_URL, config);
    }
    const route = this.route(split.origin, config);
    const headers = requestHeaders(config, route.authorization);
    const body = requestBody(config);

    const timeout = config.timeout;
    if (timeout !== undefined && timeout > 0) {
      exchange.timer = setTimeout(onTimeout, timeout, exchange);
    }
    if (signal) {
      exchange.signal = signal;
      watchSignal(signal, exchange);
    }
    const cancelToken = config.cancelToken;
    if (cancelToken && cancelToken !== NEVER_CANCELED) {
      exchange.subscribeTo(cancelToken);
    }
    exchange.method = config.method?.toUpperCase() ?? 'GET';
    route.dispatcher.dispatch(
      {
        origin: route.origin,
        path: split.path,
        method: exchange.method as Dispatcher.HttpMethod,
        headers,
        body,
        reset: timersAreFaked(),
        // The exchange's own timer bounds the whole request; undici's would only add timers.
        ...(exchange.timer === undefined ? {} : { headersTimeout: 0, bodyTimeout: 0 }),
      },
      exchange,
    );
  }

  private route(rawOrigin: string, config: InternalAxiosRequestConfig): Route {
    const proxy = config.proxy;
    if (proxy === undefined) {
      const known = this.routes.get(rawOrigin);
      if (known !== undefined) {
        return known;
      }
    }
    let parsed: URL;
    try {
      parsed = new URL(rawOrigin);
    } catch {
      throw new AxiosError('Invalid URL', AxiosError.ERR_INVALID_URL, config);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new AxiosError(
        `Unsupported protocol ${parsed.protocol}`,
        AxiosError.ERR_BAD_REQUEST,
        config,
      );
    }
    const authorization =
      parsed.username || parsed.password
        ? basic(decodeURIComponent(parsed.username), decodeURIComponent(parsed.password))
        : undefined;
    const proxyUrl =
      proxy === false
        ? undefined
        : proxy !== undefined
          ? axiosProxyUrl(proxy)
          : this.options.proxy === false
            ? undefined
            : (this.options.proxy ?? proxyFromEnvironment(parsed, this.env));
    const route: Route = {
      origin: parsed.origin,
      dispatcher: proxyUrl ? this.proxyAgent(proxyUrl) : this.pool(parsed.origin),
      authorization,
    };
    if (proxy === undefined) {
      this.routes.set(rawOrigin, route);
    }
    return route;
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        connect: this.connector,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private proxyAgent(proxyUrl: string): ProxyAgent {
    let agent = this.proxyAgents.get(proxyUrl);
    if (agent === undefined) {
      agent = new ProxyAgent({
        uri: proxyUrl,
        // CONNECT for http: origins too: the proxy sees host and port, never a path or query
        // (the access_token travels in the query).
        proxyTunnel: true,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
      });
      this.proxyAgents.set(proxyUrl, agent);
    }
    return agent;
  }
}

/**
 * One request: the undici dispatch handler, and what settles the axios promise. Settles once:
 * by the answer, an undici error, the timeout, the signal or the cancel token, whichever first.
 */
class Exchange implements Dispatcher.DispatchHandler {
  timer: NodeJS.Timeout | undefined;
  signal: GenericAbortSignal | undefined;
  method = 'GET';
  private controller: Dispatcher.DispatchController | undefined;
  private unsubscribe: (() => void) | undefined;
  private settled = false;
  private failure: AxiosError | undefined;
  private status = 0;
  private statusText = '';
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly config: InternalAxiosRequestConfig,
    private readonly resolve: (response: AxiosResponse) => void,
    private readonly reject: (error: AxiosError) => void,
    private readonly responseHeaders: readonly string[] | undefined,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.failure !== undefined) {
      // Timed out or cancelled while queued for a connection.
      controller.abort(this.failure);
    }
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) {
      return; // 1xx informational
    }
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.headers = headers;
  }

  /** The response's headers as axios gets them: all, or the ones asked for (after decoding). */
  private visibleHeaders(): IncomingHttpHeaders {
    const names = this.responseHeaders;
    if (names === undefined) return this.headers;
    const visible: IncomingHttpHeaders = {};
    for (const name of names) {
      const value = this.headers[name];
      if (value !== undefined) visible[name] = value;
    }
    return visible;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) {
      return;
    }
    this.bytes += chunk.length;
    const max = this.config.maxContentLength;
    if (max !== undefined && max > -1 && this.bytes > max) {
      this.fail(
        new AxiosError(
          `maxContentLength size of ${max} exceeded`,
          AxiosError.ERR_BAD_RESPONSE,
          this.config,
          this,
        ),
      );
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) {
      return;
    }
    this.finish();
    let response: AxiosResponse;
    try {
      response = {
        data: this.body(),
        status: this.status,
        statusText: this.statusText,
        headers: this.visibleHeaders(),
        config: this.config,
        request: this,
      };
    } catch (error) {
      this.reject(AxiosError.from(error, AxiosError.ERR_BAD_RESPONSE, this.config, this));
      return;
    }
    const validateStatus = this.config.validateStatus;
    if (!response.status || !validateStatus || validateStatus(response.status)) {
      this.resolve(response);
    } else {
      this.reject(
        new AxiosError(
          `Request failed with status code ${response.status}`,
          response.status >= 400 && response.status < 500
            ? AxiosError.ERR_BAD_REQUEST
            : AxiosError.ERR_BAD_RESPONSE,
          this.config,
          this,
          response,
        ),
      );
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) {
      return;
    }
    this.finish();
    this.reject(toAxiosError(error, this.config, this));
  }

  /** Settles with `error` and aborts the request, wherever it is. */
  fail(error: AxiosError): void {
    if (this.settled) {
      return;
    }
    this.finish();
    this.failure = error;
    this.reject(error);
    this.controller?.abort(error);
  }

  /** The signal aborted: the `CanceledError` axios' own adapters give ("canceled"). */
  cancel(): void {
    this.fail(new CanceledError(undefined, this.config, this));
  }

  subscribeTo(cancelToken: NonNullable<InternalAxiosRequestConfig['cancelToken']>): void {
    const onCancel = (reason: unknown): void =>
      this.fail(
        reason instanceof AxiosError ? reason : new CanceledError(undefined, this.config, this),
      );
    cancelToken.subscribe(onCancel);
    this.unsubscribe = () => cancelToken.unsubscribe(onCancel);
  }

  timeoutError(): AxiosError {
    const { timeout, timeoutErrorMessage, transitional } = this.config;
    return new AxiosError(
      timeoutErrorMessage || (timeout ? `timeout of ${timeout}ms exceeded` : 'timeout exceeded'),
      transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
      this.config,
      this,
    );
  }

  private finish(): void {
    this.settled = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    if (this.signal !== undefined) {
      unwatchSignal(this.signal, this);
    }
    this.unsubscribe?.();
  }

  private body(): unknown {
    const { chunks } = this;
    let buffer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.bytes);
    const encoding = this.headers['content-encoding'];
    if (
      typeof encoding === 'string' &&
      this.config.decompress !== false &&
      this.method !== 'HEAD' &&
      this.status !== 204 &&
      this.status !== 304 &&
      buffer.length > 0
    ) {
      const decoded = decompress(buffer, encoding.trim().toLowerCase());
      if (decoded !== undefined) {
        buffer = decoded;
        delete this.headers['content-encoding'];
      }
    }
    if (this.config.responseType === 'arraybuffer') {
      return buffer;
    }
    const charset = this.config.responseEncoding;
    if (charset === undefined || charset === 'utf8' || charset === 'utf-8') {
      const text = buffer.toString('utf8');
      return text.charCodeAt(0) === UTF8_BOM ? text.slice(1) : text;
    }
    return Buffer.isEncoding(charset)
      ? buffer.toString(charset)
      : new TextDecoder(charset).decode(buffer);
  }
}

/**
 * undici's connector with the connection attempt bounded by the global `setTimeout` (cleared once
 * connected) rather than undici's own timer, whose shared clock would stay scheduled as a fake
 * timer under Jest's fake timers (see `timersAreFaked`).
 */
function timedConnector(timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: 0 });
  return (options, callback) => {
    let done = false;
    // undici's connector returns the socket it opens (its type says void); it calls back later,
    // from the socket's events, so `timer` is set by then.
    const socket = connect(options, (...result) => {
      if (done) {
        result[1]?.destroy();
        return;
      }
      done = true;
      clearTimeout(timer);
      callback(...result);
    }) as unknown as Socket | undefined;
    const timer = setTimeout(() => {
      done = true;
      socket?.destroy();
      const port = options.port || (options.protocol === 'https:' ? '443' : '80');
      callback(
        new errors.ConnectTimeoutError(`connect ETIMEDOUT ${options.hostname}:${port}`),
        null,
      );
    }, timeoutMs);
  };
}

/**
 * Whether the global `setTimeout` is a fake (Jest's or sinon's fake timers, as in the README's
 * "Testing retries with Jest fake timers"). undici times idle keep-alive connections with the
 * global `setTimeout`: under fake timers that timer would never fire, would show in
 * `jest.getTimerCount()`, and `jest.advanceTimersToNextTimer()` would run it instead of the
 * backoff the test means to skip. So then every request gets its own connection
 * (`Connection: close`), which leaves no timer behind.
 */
function timersAreFaked(): boolean {
  const current = globalThis.setTimeout as unknown as {
    clock?: unknown;
    _isMockFunction?: unknown;
  };
  return current.clock !== undefined || current._isMockFunction === true;
}

function onTimeout(exchange: Exchange): void {
  exchange.timer = undefined;
  exchange.fail(exchange.timeoutError());
}

/**
 * Requests in flight by signal. Thousands of requests may share one long-lived signal (the
 * transport's shutdown signal); one listener per signal and a `Set` per request is cheaper than
 * an `addEventListener`/`removeEventListener` pair per request.
 */
const inFlightBySignal = new WeakMap<GenericAbortSignal, Set<Exchange>>();

function watchSignal(signal: GenericAbortSignal, exchange: Exchange): void {
  let inFlight = inFlightBySignal.get(signal);
  if (inFlight === undefined) {
    const exchanges = new Set<Exchange>();
    inFlight = exchanges;
    inFlightBySignal.set(signal, exchanges);
    signal.addEventListener?.(
      'abort',
      () => {
        for (const each of [...exchanges]) {
          each.cancel();
        }
        exchanges.clear();
      },
      // GenericAbortSignal types the options loosely.
      { once: true } as never,
    );
  }
  inFlight.add(exchange);
}

function unwatchSignal(signal: GenericAbortSignal, exchange: Exchange): void {
  inFlightBySignal.get(signal)?.delete(exchange);
}

/** `baseURL` + `url` + `params`, as axios builds them. */
function fullUrl(config: InternalAxiosRequestConfig): string {
  let url = config.url ?? '';
  const { baseURL } = config;
  if (baseURL && (config.allowAbsoluteUrls === false || !ABSOLUTE_URL.test(url))) {
    url = url ? `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}` : baseURL;
  }
  if (config.params) {
    // Rare here: axios' own serializer, so `params` and `paramsSerializer` mean what they mean.
    url = axios.getUri({ url, params: config.params, paramsSerializer: config.paramsSerializer });
  }
  return url;
}

/** `scheme://authority` and the request target (path and query, no fragment). */
function splitUrl(url: string): { origin: string; path: string } | undefined {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd <= 0) {
    return undefined;
  }
  let end = schemeEnd + 3;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */) {
      break;
    }
    end += 1;
  }
  const origin = url.slice(0, end);
  let path = url.slice(end);
  const hash = path.indexOf('#');
  if (hash >= 0) {
    path = path.slice(0, hash);
  }
  if (path === '') {
    path = '/';
  } else if (path.charCodeAt(0) !== 0x2f) {
    path = `/${path}`;
  }
  return { origin, path };
}

function requestHeaders(
  config: InternalAxiosRequestConfig,
  urlAuthorization: string | undefined,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const source = config.headers as unknown as Record<string, unknown>;
  const authorization = config.auth
    ? basic(config.auth.username ?? '', config.auth.password ?? '')
    : urlAuthorization;
  for (const name of Object.keys(source)) {
    const value = source[name];
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (authorization !== undefined && name.toLowerCase() === 'authorization') {
      continue;
    }
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  if (authorization !== undefined) {
    headers.authorization = authorization;
  }
  return headers;
}

type Body = string | Uint8Array | Readable | null;

function requestBody(config: InternalAxiosRequestConfig): Body {
  const data: unknown = config.data;
  let body: Body;
  if (data === undefined || data === null) {
    return null;
  } else if (typeof data === 'string' || data instanceof Uint8Array) {
    body = data;
  } else if (data instanceof ArrayBuffer) {
    body = Buffer.from(data);
  } else if (ArrayBuffer.isView(data)) {
    body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  } else if (data instanceof URLSearchParams) {
    body = data.toString();
  } else if (isReadable(data)) {
    return data;
  } else {
    throw new AxiosError(
      'Data after transformation must be a string, an ArrayBuffer, a Buffer, or a Stream',
      AxiosError.ERR_BAD_REQUEST,
      config,
    );
  }
  const max = config.maxBodyLength;
  if (max !== undefined && max > -1) {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (length > max) {
      throw new AxiosError(
        'Request body larger than maxBodyLength limit',
        AxiosError.ERR_BAD_REQUEST,
        config,
      );
    }
  }
  return body;
}

function isReadable(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).pipe === 'function' &&
    typeof (value as Readable).on === 'function'
  );
}

function decompress(buffer: Buffer, encoding: string): Buffer | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(buffer);
    case 'deflate':
      return inflateSync(buffer);
    case 'br':
      return brotliDecompressSync(buffer);
    default:
      return undefined;
  }
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function axiosProxyUrl(proxy: AxiosProxyConfig): string {
  const protocol = (proxy.protocol ?? 'http').replace(/:$/, '');
  const auth = proxy.auth
    ? `${encodeURIComponent(proxy.auth.username)}:${encodeURIComponent(proxy.auth.password)}@`
    : '';
  const host =
    proxy.host.includes(':') && !proxy.host.startsWith('[') ? `[${proxy.host}]` : proxy.host;
  return `${protocol}://${auth}${host}:${proxy.port}`;
}

/**
 * undici's errors in the terms axios' Node adapter uses (the transport and its callers read
 * `code`). None of undici's messages quotes a URL or a header.
 */
function toAxiosError(
  error: unknown,
  config: InternalAxiosRequestConfig,
  request: Exchange,
): AxiosError {
  if (error instanceof AxiosError) {
    return error;
  }
  // Duck-typed: errors of Node's own modules come from another realm under Jest.
  if (typeof error !== 'object' || error === null || !('message' in error)) {
    return new AxiosError(String(error), AxiosError.ERR_NETWORK, config, request);
  }
  switch ((error as { code?: string }).code) {
    case 'UND_ERR_SOCKET': // the server closed the connection before answering in full
      return withCause(new AxiosError('socket hang up', 'ECONNRESET', config, request), error);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return withCause(request.timeoutError(), error);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return withCause(
        new AxiosError(String(error.message), AxiosError.ETIMEDOUT, config, request),
        error,
      );
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return withCause(new CanceledError('the HTTP client is closed', config, request), error);
    default:
      return AxiosError.from(error, undefined, config, request);
  }
}

function withCause(error: AxiosError, cause: object): AxiosError {
  Object.defineProperty(error, 'cause', {
    value: cause,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return error;
}
