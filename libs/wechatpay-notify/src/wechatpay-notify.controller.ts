import { Controller, HttpStatus, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WechatPayNotifyOptionsError } from './errors/invalid-options.error';
import { WechatPayMalformedBodyError } from './errors/malformed-body.error';
import { WechatPayNotificationHandlerError } from './errors/notification-handler.error';
import { WechatPayNotifyError } from './errors/wechatpay-notify.error';
import type {
  WechatPayNotification,
  WechatPayNotificationHeaders,
  WechatPayNotifyOutcomeEvent,
  WechatPayNotifySettings,
} from './interfaces';
import { WechatPayNotificationDispatcher } from './wechatpay-notification.dispatcher';
import { WechatPayNotificationService } from './wechatpay-notification.service';
import {
  WECHATPAY_NOTIFY_REJECTION_STATUS,
  WECHATPAY_NOTIFY_SETTINGS,
} from './wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';

/** What the route reads of an Express or Fastify request. */
interface NotifyRequest {
  headers: WechatPayNotificationHeaders;
  rawBody?: unknown;
  body?: unknown;
}

/** WeChat Pay's failure body. */
interface FailBody {
  code: 'FAIL';
  message: string;
}

interface Answer {
  status: number;
  body?: FailBody;
  event: WechatPayNotifyOutcomeEvent;
}

function fail(message: string): FailBody {
  return { code: 'FAIL', message };
}

function isJson(contentType: WechatPayNotificationHeaders[string]): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value?.split(';', 1)[0].trim().toLowerCase() === 'application/json';
}

/**
 * `POST <path>`: verify and decrypt over the exact bytes received, run the handlers, answer
 * WeChat Pay. Every outcome is answered here (`@Res()`), so the app's global exception filters
 * never shape these answers. Registered by `WechatPayNotifyModule` when `path`
 * is given; the path is set per registration by `createWechatPayNotifyController`.
 */
// No class decorator here: each registration's subclass gets `@Controller(path)`. The `@Inject`
// parameter decorator makes TypeScript emit the constructor metadata that the subclass inherits.
export class WechatPayNotifyController {
  private readonly logger = new Logger(WechatPayNotifyController.name);
  private rawBodyDisabledLogged = false;

  constructor(
    private readonly notifications: WechatPayNotificationService,
    private readonly dispatcher: WechatPayNotificationDispatcher,
    @Inject(WECHATPAY_NOTIFY_SETTINGS) private readonly settings: WechatPayNotifySettings,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post()
  async notify(@Req() request: NotifyRequest, @Res() response: unknown): Promise<void> {
    const answer = await this.answer(request);
    this.report(answer.event);
    this.adapterHost.httpAdapter.reply(response, answer.body, answer.status);
  }

  private async answer(request: NotifyRequest): Promise<Answer> {
    let notification: WechatPayNotification;
    try {
      notification = this.notifications.verifyAndDecrypt(request.headers, this.rawBodyOf(request));
    } catch (error) {
      return error instanceof WechatPayNotifyError ? this.reject(error) : this.fault(error);
    }
    const { eventType } = notification;
    try {
      const handled = await this.dispatcher.dispatch(notification);
      this.logger.debug(
        `Acknowledged notification ${notification.id} (${eventType}), ${handled} handler(s)`,
      );
      const reason = handled > 0 ? 'handled' : 'unhandled';
      return { status: HttpStatus.NO_CONTENT, event: { outcome: 'accepted', reason, eventType } };
    } catch (error) {
      const cause = error instanceof WechatPayNotificationHandlerError ? error.cause : error;
      // A handler may refuse content it cannot use (e.g. an invalid payload): 4xx, since a
      // delivery of the same notification again would fail the same way.
      if (cause instanceof WechatPayNotifyError) return this.reject(cause);
      return this.fault(error, eventType);
    }
  }

  private rawBodyOf(request: NotifyRequest): Buffer {
    if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
    // A JSON body that was parsed but not kept: the app was created without `rawBody: true`.
    if (request.body !== undefined && isJson(request.headers['content-type'])) {
      if (!this.rawBodyDisabledLogged) {
        this.rawBodyDisabledLogged = true;
        this.logger.error(WECHATPAY_NOTIFY_MESSAGES.rawBodyDisabled);
      }
      throw new WechatPayMalformedBodyError(WECHATPAY_NOTIFY_MESSAGES.missingBody);
    }
    throw new WechatPayMalformedBodyError(WECHATPAY_NOTIFY_MESSAGES.noRawBody);
  }

  private reject(error: WechatPayNotifyError): Answer {
    const status = WECHATPAY_NOTIFY_REJECTION_STATUS[error.reason];
    this.logger.warn(`Notification rejected (${status} ${error.reason}): ${error.message}`);
    return {
      status,
      body: fail(error.message),
      event: { outcome: 'rejected', reason: error.reason },
    };
  }

  /** A 5xx makes WeChat Pay deliver again; the answer stays generic, the log has the cause. */
  private fault(error: unknown, eventType?: string): Answer {
    const handlerFailed = error instanceof WechatPayNotificationHandlerError;
    const cause = handlerFailed ? error.cause : error;
    this.logger.error(
      handlerFailed ? error.message : `Notification not handled: ${String(error)}`,
      cause instanceof Error ? cause.stack : undefined,
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: fail(WECHATPAY_NOTIFY_MESSAGES.internalError),
      event: { outcome: 'error', reason: handlerFailed ? 'handler-failed' : 'internal', eventType },
    };
  }

  private report(event: WechatPayNotifyOutcomeEvent): void {
    try {
      this.settings.hooks.onOutcome?.(event);
    } catch (error) {
      this.logger.warn(`hooks.onOutcome threw; ignored: ${String(error)}`);
    }
  }
}

/**
 * The notify controller for one registration, served at `path`. A subclass per registration, so
 * that two registrations with different paths never share route metadata.
 *
 * @throws WechatPayNotifyOptionsError when `path` is not a non-empty string.
 */
export function createWechatPayNotifyController(path: unknown): Type<WechatPayNotifyController> {
  if (typeof path !== 'string' || path.replace(/\//g, '').trim() === '') {
    throw new WechatPayNotifyOptionsError(
      WECHATPAY_NOTIFY_MESSAGES.invalidOptions([WECHATPAY_NOTIFY_MESSAGES.invalidPath]),
      [WECHATPAY_NOTIFY_MESSAGES.invalidPath],
    );
  }
  // `Controller(path)` writes the same metadata as golevelup's `Reflect.defineMetadata(PATH_METADATA)`,
  // without importing Nest's internal constants.
  @Controller(path)
  class NotifyRoute extends WechatPayNotifyController {}
  Object.defineProperty(NotifyRoute, 'name', { value: WechatPayNotifyController.name });
  return NotifyRoute;
}
