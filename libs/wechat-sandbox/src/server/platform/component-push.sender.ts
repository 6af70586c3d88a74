import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SandboxComponentPushError } from '../errors';
import type { ComponentPush, SandboxComponentPushAnswer } from '../interfaces';

/** How long the sandbox waits for a receiver's whole answer. */
export const PUSH_TIMEOUT_MS = 10_000;

/** Largest receiver answer the sandbox keeps. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs a push to `url` (its query appended), Content-Type `text/xml`, and resolves to the
 * receiver's answer. Rejects with `SandboxComponentPushError` when no answer comes.
 */
export function sendComponentPush(
  url: string,
  push: ComponentPush,
  stopSignal: AbortSignal,
  timeoutMs = PUSH_TIMEOUT_MS,
): Promise<SandboxComponentPushAnswer> {
  const target = new URL(url);
  for (const [name, value] of Object.entries(push.query)) target.searchParams.set(name, value);
  const where = `${target.origin}${target.pathname}`;
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void =>
      reject(new SandboxComponentPushError(`push to ${where} failed: ${reason}`));
    if (stopSignal.aborted) {
      fail('the sandbox stopped');
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml',
        'content-length': Buffer.byteLength(push.body),
      },
      signal: stopSignal,
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      fail(stopSignal.aborted ? 'the sandbox stopped' : (error.code ?? error.message));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    });
    req.end(push.body);
  });
}
