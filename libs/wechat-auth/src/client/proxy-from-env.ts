import { isIP } from 'node:net';

/** The environment variables the proxy choice reads (a subset of `process.env`). */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * The proxy for requests to `origin` (a parsed `http:` or `https:` URL), from the environment:
 * `https_proxy`/`HTTPS_PROXY` for `https:` origins, `http_proxy`/`HTTP_PROXY` for `http:` ones
 * (lower case first, as curl reads them), unless `no_proxy`/`NO_PROXY` lists the host.
 * A loopback host (`localhost`, `127.0.0.0/8`, `::1`) is never proxied: a proxy cannot reach this
 * machine's loopback interface (Go's `ProxyFromEnvironment` makes the same exception).
 *
 * `NO_PROXY` entries are separated by commas or spaces: `*` (every host), a host name (that name
 * and its subdomains), `.example.com` or `*.example.com` (subdomains only), an IP address, each
 * optionally with `:port` (that port only).
 */
export function proxyFromEnvironment(origin: URL, env: ProxyEnvironment): string | undefined {
  const host = bareHostname(origin.hostname);
  if (isLoopback(host)) {
    return undefined;
  }
  const proxy =
    origin.protocol === 'https:'
      ? (nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY))
      : (nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY));
  if (proxy === undefined) {
    return undefined;
  }
  const port = origin.port || (origin.protocol === 'https:' ? '443' : '80');
  const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
  return noProxy !== undefined && bypassesProxy(host, port, noProxy) ? undefined : proxy;
}

function bypassesProxy(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.toLowerCase().split(/[\s,]+/)) {
    if (raw === '*') {
      return true;
    }
    const entry = parseNoProxyEntry(raw);
    if (entry === undefined || (entry.port !== undefined && entry.port !== port)) {
      continue;
    }
    const name = entry.host.startsWith('*.') ? entry.host.slice(1) : entry.host;
    if (name.startsWith('.') ? host.endsWith(name) : host === name || host.endsWith(`.${name}`)) {
      return true;
    }
  }
  return false;
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. */
function parseNoProxyEntry(raw: string): { host: string; port?: string } | undefined {
  if (raw === '') {
    return undefined;
  }
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) {
      return undefined;
    }
    const rest = raw.slice(close + 1);
    return { host: raw.slice(1, close), port: rest.startsWith(':') ? rest.slice(1) : undefined };
  }
  if (isIP(raw) === 6) {
    return { host: raw };
  }
  const colon = raw.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(raw.slice(colon + 1))
    ? { host: raw.slice(0, colon), port: raw.slice(colon + 1) }
    : { host: raw };
}

/** `URL.hostname` keeps the brackets of an IPv6 address; compare without them. */
function bareHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    (isIP(host) === 4 && host.startsWith('127.'))
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
