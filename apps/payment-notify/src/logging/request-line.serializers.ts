import type { SerializedRequest, SerializedResponse } from 'pino';
import { maskOpenIds } from './openid-mask';

/** Longest URL a request line keeps; a request line can be about 16 KB long. */
export const MAX_LOGGED_URL_LENGTH = 512;

/** Longest User-Agent a request line keeps. */
export const MAX_LOGGED_USER_AGENT_LENGTH = 200;

/** What a request line says about the request: only what an operator reads, each bounded. */
export interface LoggedRequest {
  id: string | undefined;
  method: string;
  /** Path and query, openids shortened, cut at {@link MAX_LOGGED_URL_LENGTH}. */
  url: string;
  remoteAddress: string | undefined;
  /** Cut at {@link MAX_LOGGED_USER_AGENT_LENGTH}. */
  userAgent?: string;
  contentLength?: number;
}

/** What a request line says about the response. */
export interface LoggedResponse {
  statusCode: number;
}

const CONTENT_LENGTH = /^\d{1,15}$/;

/**
 * pino-http `req` serializer: no header is copied whole, since any of them may be a credential
 * or 16 KB of caller-chosen text, and the URL (cut first, so masking stays cheap) keeps openids
 * shortened.
 */
export function serializeRequest(request: SerializedRequest): LoggedRequest {
  const { 'user-agent': userAgent, 'content-length': contentLength } = request.headers;
  return {
    id: request.id,
    method: request.method,
    url: maskOpenIds(cut(request.url ?? '', MAX_LOGGED_URL_LENGTH)),
    remoteAddress: request.remoteAddress,
    ...(userAgent && { userAgent: cut(userAgent, MAX_LOGGED_USER_AGENT_LENGTH) }),
    ...(contentLength &&
      CONTENT_LENGTH.test(contentLength) && { contentLength: Number(contentLength) }),
  };
}

/** pino-http `res` serializer: the status only (no response header is worth a log line). */
export function serializeResponse(response: SerializedResponse): LoggedResponse {
  return { statusCode: response.statusCode };
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}...` : text;
}
