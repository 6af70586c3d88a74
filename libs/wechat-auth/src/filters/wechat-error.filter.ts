import {
  Catch,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { AccessTokenRefreshError } from '../errors/access-token-refresh.error';
import { ExternalTokenSourceError } from '../errors/external-token-source.error';
import {
  WechatApiError,
  WechatInvalidOpenidError,
  WechatInvalidTradeError,
} from '../errors/wechat-api.error';
import { WechatAuthConfigError } from '../errors/wechat-auth-config.error';
import {
  WechatDeadlineExceededError,
  WechatHttpError,
  WechatNetworkError,
  WechatUnexpectedResponseError,
} from '../errors/wechat-transport.error';
import { WechatValidationError } from '../errors/wechat-validation.error';
import { WechatError } from '../errors/wechat.error';
import type {
  WechatErrorResponse,
  WechatErrorResponseBody,
} from '../interfaces/wechat-error-response.interface';
import { MINUTE_QUOTA_ERRCODE, SYSTEM_BUSY_ERRCODE } from '../wechat-auth.constants';
import { HTTP_FAILURE_MESSAGES } from '../wechat-auth.messages';

/** axios' codes for an attempt that ran into its timeout. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

interface Outcome {
  status: HttpStatus;
  message: string;
  errcode?: number;
}

/**
 * Optional exception filter: a `WechatError` thrown by an HTTP handler is answered with a fitting
 * status and `{ statusCode, error, message, errcode? }` instead of Nest's bare 500:
 *
 * - 400: `WechatValidationError`.
 * - 422: `WechatInvalidOpenidError` (40003), `WechatInvalidTradeError` (89300): the request is
 *   well-formed, but WeChat knows no such payer/trade pairing (404 would read as an unknown route).
 * - 502: `AccessTokenRefreshError`, `ExternalTokenSourceError` (503 when the token endpoint was
 *   busy); any other `WechatApiError`, `WechatHttpError`, `WechatUnexpectedResponseError`.
 * - 503: `WechatAuthConfigError` (e.g. an unconfigured `appId`); errcode `-1` or `45011` after
 *   the retries; a `WechatNetworkError` other than a timeout.
 * - 504: `WechatDeadlineExceededError`; a `WechatNetworkError` after a timeout.
 * - 500: any other `WechatError`.
 *
 * A 4xx carries the error's own message; a 5xx a fixed text, and the error is logged (the
 * library's messages never hold a secret or token). `errcode` is WeChat's, for API answers only.
 * HTTP only: in other contexts the error is rethrown. Works on Express and Fastify (it replies
 * through the HTTP adapter). Register it with DI, `{ provide: APP_FILTER, useClass:
 * WechatErrorFilter }` or `@UseFilters(WechatErrorFilter)`, or by hand:
 * `app.useGlobalFilters(new WechatErrorFilter(app.get(HttpAdapterHost)))`.
 *
 * @publicApi
 */
@Catch(WechatError)
export class WechatErrorFilter implements ExceptionFilter<WechatError> {
  private readonly logger = new Logger(WechatErrorFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: WechatError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw error;
    }
    const { status, body } = this.toResponse(error);
    if (status >= 500) {
      this.logger.error(`${error.name}: ${error.message}`);
    }
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    adapter.reply(response, body, status);
  }

  /** The status and body for `error`; override it to map differently. */
  toResponse(error: WechatError): WechatErrorResponse {
    const { status, message, errcode } = classify(error);
    const body: WechatErrorResponseBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message,
      ...(errcode === undefined ? {} : { errcode }),
    };
    return { status, body };
  }
}

function classify(error: WechatError): Outcome {
  if (error instanceof WechatValidationError) {
    return { status: HttpStatus.BAD_REQUEST, message: error.message };
  }
  if (error instanceof WechatInvalidOpenidError || error instanceof WechatInvalidTradeError) {
    return {
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      message: error.message,
      errcode: error.errcode,
    };
  }
  // Before the generic WechatApiError cases: its errcode describes our credentials, not the call.
  if (error instanceof AccessTokenRefreshError || error instanceof ExternalTokenSourceError) {
    return error instanceof AccessTokenRefreshError && isBusy(error.errcode)
      ? { status: HttpStatus.SERVICE_UNAVAILABLE, message: HTTP_FAILURE_MESSAGES.busy }
      : { status: HttpStatus.BAD_GATEWAY, message: HTTP_FAILURE_MESSAGES.token };
  }
  if (error instanceof WechatAuthConfigError) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, message: HTTP_FAILURE_MESSAGES.config };
  }
  if (error instanceof WechatDeadlineExceededError) {
    return { status: HttpStatus.GATEWAY_TIMEOUT, message: HTTP_FAILURE_MESSAGES.timeout };
  }
  if (error instanceof WechatNetworkError) {
    return TIMEOUT_CODES.has(error.code)
      ? { status: HttpStatus.GATEWAY_TIMEOUT, message: HTTP_FAILURE_MESSAGES.timeout }
      : { status: HttpStatus.SERVICE_UNAVAILABLE, message: HTTP_FAILURE_MESSAGES.unreachable };
  }
  if (error instanceof WechatApiError) {
    return isBusy(error.errcode)
      ? {
          status: HttpStatus.SERVICE_UNAVAILABLE,
          message: HTTP_FAILURE_MESSAGES.busy,
          errcode: error.errcode,
        }
      : {
          status: HttpStatus.BAD_GATEWAY,
          message: HTTP_FAILURE_MESSAGES.upstream,
          errcode: error.errcode,
        };
  }
  if (error instanceof WechatHttpError || error instanceof WechatUnexpectedResponseError) {
    return { status: HttpStatus.BAD_GATEWAY, message: HTTP_FAILURE_MESSAGES.upstream };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: HTTP_FAILURE_MESSAGES.internal };
}

const isBusy = (errcode: number): boolean =>
  errcode === SYSTEM_BUSY_ERRCODE || errcode === MINUTE_QUOTA_ERRCODE;
