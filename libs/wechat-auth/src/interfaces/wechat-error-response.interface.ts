/**
 * The JSON body `WechatErrorFilter` answers with. It never holds a secret or an access token.
 *
 * @publicApi
 */
export interface WechatErrorResponseBody {
  /** The HTTP status, as in Nest's own error bodies. */
  statusCode: number;
  /** The status's reason phrase, e.g. `'Unprocessable Entity'`. */
  error: string;
  /**
   * What went wrong. For a 4xx (the request's fault) the error's own message; for a 5xx a fixed
   * text per kind of failure (the details, which may name the server's IP or appId, go to the log).
   */
  message: string;
  /** WeChat's errcode, for WeChat API answers (not for token fetch failures). */
  errcode?: number;
}

/** An HTTP answer chosen for a `WechatError`. @publicApi */
export interface WechatErrorResponse {
  status: number;
  body: WechatErrorResponseBody;
}
