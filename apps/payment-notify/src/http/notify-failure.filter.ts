import { WechatPayNotifyError, type WechatPayNotifyErrorReason } from '@app/wechatpay-notify';
import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type HttpServer,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PaymentMetrics } from '../metrics';
import { InvalidPaymentError } from '../notify/invalid-payment.error';

export const NOTIFY_PATH = '/wechatpay/notify';

const STATUS_BY_REASON: Record<WechatPayNotifyErrorReason, number> = {
  'missing-header': HttpStatus.BAD_REQUEST,
  'unknown-serial': HttpStatus.UNAUTHORIZED,
  'bad-signature': HttpStatus.UNAUTHORIZED,
  'signature-probe': HttpStatus.UNAUTHORIZED,
  'stale-timestamp': HttpStatus.UNAUTHORIZED,
  'body-too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'malformed-body': HttpStatus.BAD_REQUEST,
  'decrypt-failed': HttpStatus.BAD_REQUEST,
  'invalid-payload': HttpStatus.BAD_REQUEST,
  'mchid-mismatch': HttpStatus.BAD_REQUEST,
  'unsupported-algorithm': HttpStatus.BAD_REQUEST,
};

/** Metric reason of a rejection that is not the library's: the payment fields are unusable. */
const INVALID_PAYMENT_REASON = 'invalid-payment';

interface Failure {
  status: number;
  message: string;
  /** Why, as counted in `payment_notify_notifications_total{outcome="rejected"}`. */
  reason: string;
}

/**
 * Answers every failure of the notify route in WeChat Pay's shape, `{"code":"FAIL","message"}`:
 * a rejected notification with a 4xx (nothing stored), an internal fault with a 500 so WeChat
 * delivers again; each is counted in the metrics. Other routes keep Nest's default answers.
 * Never a stack trace.
 */
@Catch()
export class NotifyFailureFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(NotifyFailureFilter.name);

  constructor(
    applicationRef: HttpServer,
    private readonly metrics: PaymentMetrics,
  ) {
    super(applicationRef);
    // Every known reason shows from the first scrape on, at 0.
    for (const reason of [...Object.keys(STATUS_BY_REASON), INVALID_PAYMENT_REASON]) {
      metrics.notification('rejected', reason, 0);
    }
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (!request.url.startsWith(NOTIFY_PATH)) {
      super.catch(exception, host);
      return;
    }
    const { status, message, reason } = this.describe(exception);
    if (status >= 500) {
      // The answer stays generic; operators get the cause (log lines are censored).
      this.logger.error(
        `Notification not stored: ${describeCause(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
      this.metrics.notification('error', 'internal');
    } else {
      this.logger.warn(`Notification rejected (${status}): ${message}`);
      this.metrics.notification('rejected', reason);
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply
      .status(status)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ code: 'FAIL', message }));
  }

  private describe(exception: unknown): Failure {
    if (exception instanceof WechatPayNotifyError) {
      return {
        status: STATUS_BY_REASON[exception.reason],
        message: exception.message,
        reason: exception.reason,
      };
    }
    if (exception instanceof InvalidPaymentError) {
      return {
        status: HttpStatus.BAD_REQUEST,
        message: exception.message,
        reason: INVALID_PAYMENT_REASON,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, message: exception.message, reason: httpReason(status) };
    }
    const status = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own rejections (body too large, bad content length) carry a statusCode.
      return { status, message: (exception as Error).message, reason: httpReason(status) };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      message: 'internal error, please retry',
      reason: 'internal',
    };
  }
}

function describeCause(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}

/** Reason of a rejection made by the HTTP layer (Fastify or Nest) before the library saw it. */
function httpReason(status: number): string {
  return status === HttpStatus.PAYLOAD_TOO_LARGE ? 'body-too-large' : `http-${status}`;
}
