import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { setMaxListeners } from 'node:events';
import { firstValueFrom } from 'rxjs';
import { createWechatApiError } from '../errors/create-wechat-api-error';
import { WechatApiError } from '../errors/wechat-api.error';
import {
  WechatDeadlineExceededError,
  WechatHttpError,
  WechatNetworkError,
  WechatUnexpectedResponseError,
} from '../errors/wechat-transport.error';
import type { WechatError } from '../errors/wechat.error';
import type { ResolvedWechatAuthOptions } from '../interfaces/resolved-options.interface';
import type { WechatResponseBody } from '../interfaces/wechat-response-body.interface';
import { MINUTE_QUOTA_ERRCODE, TOKEN_INVALID_ERRCODES } from '../wechat-auth.constants';
import { abandonedFetchMessage } from '../wechat-auth.messages';
import {
  WECHAT_AUTH_HTTP_SERVICE,
  WECHAT_AUTH_RESOLVED_OPTIONS,
} from '../wechat-auth.internal-constants';
import { backoffDelay, untilNextMinute } from './backoff';
import { delay as wait } from './delay';
import { encodeQuery, redactSecrets } from './redact';
import { isUndiciAdapter, NEVER_CANCELED } from './undici-axios.adapter';

/** One request to a WeChat API, as `WechatTransport.send` takes it. @publicApi */
export interface WechatRequest {
  method: 'GET' | 'POST';
  baseUrl: string;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  deadline?: number;
  /**
   * Aborted when nobody waits for the answer any more (a shared token fetch whose callers all
   * reached their deadlines): the attempt in flight is cancelled and no retry follows.
   */
  signal?: AbortSignal;
}

type Attempt =
  | { ok: true; body: WechatResponseBody }
  | { ok: false; error: WechatError; retryable: boolean; waitForNextMinute?: boolean };

/**
 * Sends requests to WeChat and applies the retry policy: `-1`, HTTP 5xx, timeouts and connection
 * errors are retried with backoff (until the deadline when one is given); `45011` waits for the
 * next minute when the deadline allows; every other errcode is final. Knows nothing of tokens.
 * Backoff delays use the global `setTimeout`, so Jest's fake timers skip them.
 *
 * Built by the module; exported as a type because `WechatApiClient`'s constructor takes it.
 *
 * @publicApi
 */
@Injectable()
export class WechatTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(WechatTransport.name);
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(WECHAT_AUTH_HTTP_SERVICE) private readonly http: HttpService,
    @Inject(WECHAT_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWechatAuthOptions,
  ) {
    // Every request in flight listens to this one signal: thousands at once are expected.
    setMaxListeners(0, this.shutdown.signal);
  }

  /**
   * @throws WechatApiError for a non-zero errcode, WechatHttpError, WechatNetworkError,
   * WechatUnexpectedResponseError, WechatDeadlineExceededError
   */
  async send(request: WechatRequest): Promise<WechatResponseBody> {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.options.retry;
    const { deadline } = request;
    const signal = request.signal
      ? AbortSignal.any([this.shutdown.signal, request.signal])
      : this.shutdown.signal;
    let lastFailure: WechatError | undefined;
    let lastErrcode: number | undefined;
    for (let attempt = 1; ; attempt++) {
      // Checked before every attempt: a backoff timer may fire late (GC pause, busy CPU).
      if (deadline !== undefined && Date.now() >= deadline) {
        throw lastFailure ?? new WechatDeadlineExceededError(request.path);
      }
      if (request.signal?.aborted) {
        throw abandoned(request.path);
      }
      // A started attempt gets its full timeout: WeChat may answer a request sent just before
      // the deadline, and cutting it short would throw that answer away.
      const outcome = await this.attempt(request, this.options.timeoutMs, signal, lastErrcode);
      if (outcome.ok) {
        return outcome.body;
      }
      if (request.signal?.aborted) {
        throw abandoned(request.path);
      }
      if (outcome.error instanceof WechatApiError) {
        lastErrcode = outcome.error.errcode;
      }
      lastFailure = outcome.error;
      const withinAttempts = deadline !== undefined || attempt < maxAttempts;
      const delay = outcome.waitForNextMinute
        ? untilNextMinute(Date.now())
        : backoffDelay(attempt, baseDelayMs, maxDelayMs);
      const fitsDeadline = deadline === undefined || Date.now() + delay < deadline;
      const minuteWaitAllowed = !outcome.waitForNextMinute || deadline !== undefined;
      if (!outcome.retryable || !withinAttempts || !fitsDeadline || !minuteWaitAllowed) {
        throw outcome.error;
      }
      if (this.shutdown.signal.aborted) {
        throw outcome.error;
      }
      this.logger.warn(
        `${request.path} attempt ${attempt} failed (${describeFailure(outcome.error)}); retrying in ${delay} ms`,
      );
      try {
        await wait(delay, signal);
      } catch {
        throw request.signal?.aborted ? abandoned(request.path) : outcome.error;
      }
    }
  }

  private async attempt(
    request: WechatRequest,
    timeoutMs: number,
    signal: AbortSignal,
    lastErrcode: number | undefined,
  ): Promise<Attempt> {
    const query = request.query ? encodeQuery(request.query) : '';
    const config: AxiosRequestConfig = {
      method: request.method,
      url: query
        ? `${request.baseUrl}${request.path}?${query}`
        : `${request.baseUrl}${request.path}`,
      timeout: Math.max(1, Math.floor(timeoutMs)),
      signal,
      validateStatus: acceptEveryStatus,
      responseType: 'json',
      // Cancelled through `signal`: without a token of its own, HttpService would build a
      // CancelToken per request and a CanceledError after each one (measurable per call).
      cancelToken: NEVER_CANCELED,
    };
    if (request.body !== undefined) {
      config.data = request.body;
    }
    let outcome: Attempt;
    try {
      const response = await firstValueFrom(this.http.request<unknown>(config));
      outcome = this.interpret(request.path, response, lastErrcode);
    } catch (error) {
      outcome = this.networkFailure(request.path, error, lastErrcode);
    }
    // A cancelled attempt says nothing about WeChat: keep it out of the metrics.
    if (!request.signal?.aborted) {
      this.report(request.path, outcome);
    }
    return outcome;
  }

  /**
   * What one attempt came to. `retryable` here is "try again within this call": what the
   * error says (`error.retryable`), except a rejected token (the client refreshes it once, a
   * level up) and an unexpected body (another attempt now would get the same).
   */
  private interpret(
    path: string,
    response: AxiosResponse<unknown>,
    lastErrcode: number | undefined,
  ): Attempt {
    if (response.status < 200 || response.status >= 300) {
      const error = new WechatHttpError(path, response.status, lastErrcode);
      return { ok: false, error, retryable: error.retryable };
    }
    const body = response.data;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      const detail = 'the body is not a JSON object';
      const error = new WechatUnexpectedResponseError(path, detail, lastErrcode);
      return { ok: false, error, retryable: false };
    }
    const answer = body as WechatResponseBody;
    const errcode = typeof answer.errcode === 'number' ? answer.errcode : 0;
    if (errcode === 0) {
      return { ok: true, body: answer };
    }
    const errmsg = typeof answer.errmsg === 'string' ? answer.errmsg : '';
    const error = createWechatApiError(errcode, errmsg, path);
    return {
      ok: false,
      error,
      retryable: error.retryable && !TOKEN_INVALID_ERRCODES.includes(errcode),
      waitForNextMinute: errcode === MINUTE_QUOTA_ERRCODE,
    };
  }

  private networkFailure(path: string, error: unknown, lastErrcode: number | undefined): Attempt {
    // Axios errors carry the request (URL with access_token, stable_token body with the secret):
    // keep only the code and a redacted message.
    const code = error instanceof AxiosError ? (error.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
    const detail = redactSecrets(error instanceof Error ? error.message : String(error));
    const failure = new WechatNetworkError(path, code, detail, lastErrcode);
    return { ok: false, error: failure, retryable: failure.retryable };
  }

  private report(path: string, outcome: Attempt): void {
    const hook = this.options.hooks.onApiAttempt;
    if (!hook) {
      return;
    }
    if (outcome.ok) {
      hook({ path, outcome: 'ok' });
    } else if (outcome.error instanceof WechatApiError) {
      hook({ path, outcome: 'errcode', errcode: outcome.error.errcode });
    } else if (outcome.error instanceof WechatHttpError) {
      hook({ path, outcome: 'http', status: outcome.error.status });
    } else {
      hook({ path, outcome: 'network' });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Requests in flight fail as cancelled first, then the pools close.
    this.shutdown.abort();
    const adapter = this.http.axiosRef.defaults.adapter;
    if (isUndiciAdapter(adapter)) {
      await adapter.destroy();
    }
  }
}

/** WeChat's HTTP errors are answers too: `interpret` reads every status. */
const acceptEveryStatus = (): boolean => true;

function abandoned(path: string): WechatDeadlineExceededError {
  return new WechatDeadlineExceededError(path, abandonedFetchMessage(path));
}

function describeFailure(error: WechatError): string {
  if (error instanceof WechatApiError) {
    return `errcode ${error.errcode}`;
  }
  if (error instanceof WechatHttpError) {
    return `HTTP ${error.status}`;
  }
  if (error instanceof WechatNetworkError) {
    return error.code;
  }
  return error.name;
}
