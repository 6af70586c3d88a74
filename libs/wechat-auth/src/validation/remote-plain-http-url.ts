import { isIPv4 } from 'node:net';

/**
 * Whether `url` is plain `http:` to a host other than this machine (`localhost`, `127.0.0.0/8`,
 * `::1`): what it carries crosses the network in clear. A URL that does not parse is left to the
 * URL validation.
 */
export function isRemotePlainHttpUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
}

/** `hostname` as WHATWG URL gives it: lower-case, IPv4 normalised, IPv6 in brackets. */
function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') {
    return true;
  }
  return isIPv4(hostname) && hostname.startsWith('127.');
}
