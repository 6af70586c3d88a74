import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Request header whose value becomes the request id, and response header that echoes it. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's id is kept only if it is short and plain, so it cannot forge log content. */
const ACCEPTED_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The request's id (Fastify's `genReqId`): the caller's `X-Request-Id` when it looks like an id,
 * else a random UUID. JSON log lines carry it, and the response echoes it in `X-Request-Id`.
 */
export function requestIdOf(request: IncomingMessage): string {
  const header = request.headers[REQUEST_ID_HEADER];
  return typeof header === 'string' && ACCEPTED_REQUEST_ID.test(header) ? header : randomUUID();
}
