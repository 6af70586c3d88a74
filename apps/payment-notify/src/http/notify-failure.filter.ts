import { WECHATPAY_NOTIFY_REJECTION_STATUS } from '@app/wechatpay-notify';
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

/** Where WeChat Pay posts notifications (served by `WechatPayNotifyModule`). */
export const NOTIFY_PATH = 'wechatpay/notify';

/**
 * The notify route answers every notification itself (`WechatPayNotifyModule`); what reaches
 * this filter on that path was refused by the HTTP layer first (a body over the limit, a content
 * type Fastify does not parse, a broken JSON body). It gets WeChat Pay's shape too,
 * `{"code":"FAIL","message"}`, and is counted. Other routes keep Nest's default answers.
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
    for (const reason of Object.keys(WECHATPAY_NOTIFY_REJECTION_STATUS)) {
      metrics.notification('rejected', reason, 0);
    }
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (!request.url.startsWith(`/${NOTIFY_PATH}`)) {
      super.catch(exception, host);
      return;
    }
    const status = statusOf(exception);
    const message = status >= 500 ? 'internal error, please retry' : messageOf(exception);
    if (status >= 500) {
      this.logger.error(
        `Notification not stored: ${describeCause(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
      this.metrics.notification('error', 'internal');
    } else {
      this.logger.warn(`Notification rejected (${status}): ${message}`);
      this.metrics.notification(
        'rejected',
        status === HttpStatus.PAYLOAD_TOO_LARGE ? 'body-too-large' : `http-${status}`,
      );
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply
      .status(status)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ code: 'FAIL', message }));
  }
}

/** Nest's and Fastify's own rejections carry a 4xx status; anything else is a fault. */
function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500
    ? status
    : HttpStatus.INTERNAL_SERVER_ERROR;
}

function messageOf(exception: unknown): string {
  return exception instanceof Error ? exception.message : 'request refused';
}

function describeCause(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
