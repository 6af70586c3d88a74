import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the sandbox reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body exceeded {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {}

/** Reads the whole request body as UTF-8. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!failed) reject(error);
    });
  });
}

/** Splits `req.url` into the undecoded path and the raw query (without `?`). */
export function splitUrl(url: string | undefined): { path: string; rawQuery: string } {
  const target = url ?? '/';
  const mark = target.indexOf('?');
  return mark < 0
    ? { path: target, rawQuery: '' }
    : { path: target.slice(0, mark), rawQuery: target.slice(mark + 1) };
}

/**
 * Decodes a query string with form-urlencoded rules (`+` is a space, `%2B` a plus), as WeChat's
 * servers do. The first occurrence of a repeated key wins.
 */
export function parseQuery(rawQuery: string): Record<string, string> {
  const firstValues = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    if (!firstValues.has(key)) firstValues.set(key, value);
  }
  // fromEntries defines own properties, so a key such as `__proto__` stays plain data.
  return Object.fromEntries(firstValues);
}

/** Parses a JSON body; `undefined` when it is not valid JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** WeChat's API servers label JSON this way. */
const WECHAT_JSON_TYPE = 'application/json; encoding=utf-8';

/** Answers JSON unless the answer or the socket is already gone. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  sendRaw(res, status, WECHAT_JSON_TYPE, payload);
}

/** Answers a raw text body unless the answer or the socket is already gone. */
export function sendRaw(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
