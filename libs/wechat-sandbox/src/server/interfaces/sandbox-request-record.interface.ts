/**
 * One request received by the sandbox, exactly as it arrived. Contains secrets and tokens when the
 * caller sent them: it exists for test assertions and is never served over HTTP.
 *
 * @publicApi
 */
export interface SandboxRequestRecord {
  method: string;
  /** Path without the query string, not decoded. */
  path: string;
  /** Decoded query parameters (`application/x-www-form-urlencoded` rules; first value wins). */
  query: Record<string, string>;
  /** The query string as sent, without `?`. */
  rawQuery: string;
  /** The request body as UTF-8 text (`''` when none). */
  body: string;
  /** Sandbox clock time of arrival, epoch ms. */
  at: number;
}
