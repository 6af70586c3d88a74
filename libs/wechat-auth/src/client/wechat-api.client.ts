import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccessTokenProvider } from '../access-token/access-token.provider';
import { resolveApp } from '../access-token/wechat-apps';
import { WechatApiError } from '../errors/wechat-api.error';
import { WechatDeadlineExceededError } from '../errors/wechat-transport.error';
import type { WechatCallOptions } from '../interfaces/paid-union-id-query.interface';
import type { WechatResponseBody } from '../interfaces/wechat-response-body.interface';
import type {
  ResolvedWechatApp,
  ResolvedWechatAuthOptions,
} from '../interfaces/resolved-options.interface';
import { TOKEN_INVALID_ERRCODES } from '../wechat-auth.constants';
import { WECHAT_AUTH_RESOLVED_OPTIONS } from '../wechat-auth.internal-constants';
import { WechatTransport, type WechatRequest } from './wechat-transport';

/** Options of one API call. @publicApi */
export interface WechatApiCallOptions extends WechatCallOptions {
  /** Which configured app calls; defaults to the first one. */
  appId?: string;
}

/**
 * Calls any server-side WeChat API as a configured mini program: adds the access_token (none in
 * cloud mode), retries transient failures, and on 40001/40014/42001 replaces the token once and
 * retries once.
 *
 * @publicApi
 */
@Injectable()
export class WechatApiClient {
  private readonly logger = new Logger(WechatApiClient.name);

  constructor(
    private readonly transport: WechatTransport,
    private readonly tokens: AccessTokenProvider,
    @Inject(WECHAT_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWechatAuthOptions,
  ) {}

  /** `GET path?query`; resolves to the JSON answer (errcode 0). */
  get(
    path: string,
    query: Record<string, string | undefined>,
    options: WechatApiCallOptions = {},
  ): Promise<WechatResponseBody> {
    return this.call({ method: 'GET', path, query }, options);
  }

  /** `POST path` with a JSON body; resolves to the JSON answer (errcode 0). */
  post(
    path: string,
    body: unknown,
    options: WechatApiCallOptions = {},
  ): Promise<WechatResponseBody> {
    return this.call({ method: 'POST', path, body }, options);
  }

  private async call(
    request: Pick<WechatRequest, 'method' | 'path' | 'query' | 'body'>,
    options: WechatApiCallOptions,
  ): Promise<WechatResponseBody> {
    const app = resolveApp(this.options, options.appId);
    const send = (accessToken?: string): Promise<WechatResponseBody> =>
      this.transport.send({
        method: request.method,
        path: request.path,
        body: request.body,
        baseUrl: app.apiBaseUrl,
        query:
          accessToken === undefined
            ? request.query
            : { access_token: accessToken, ...request.query },
        deadline: options.deadline,
      });
    if (app.tokenMode === 'cloud') {
      return send();
    }
    if (options.deadline !== undefined && options.deadline <= Date.now()) {
      throw new WechatDeadlineExceededError(request.path);
    }
    // The deadline bounds the wait for a token too, not only the call itself.
    const token = await this.tokens.getAccessToken(app.appId, { deadline: options.deadline });
    try {
      return await send(token);
    } catch (error) {
      if (!isTokenRejection(error)) {
        throw error;
      }
      return this.retryWithNewToken(app, token, error, send, options.deadline);
    }
  }

  private async retryWithNewToken(
    app: ResolvedWechatApp,
    rejected: string,
    error: WechatApiError,
    send: (accessToken: string) => Promise<WechatResponseBody>,
    deadline: number | undefined,
  ): Promise<WechatResponseBody> {
    this.logger.warn(
      `${error.path} rejected the access_token of ${app.appId} (errcode ${error.errcode}); replacing it and retrying once`,
    );
    await this.tokens.invalidate(rejected, app.appId);
    return send(await this.tokens.getAccessToken(app.appId, { deadline }));
  }
}

function isTokenRejection(error: unknown): error is WechatApiError {
  return error instanceof WechatApiError && TOKEN_INVALID_ERRCODES.includes(error.errcode);
}
