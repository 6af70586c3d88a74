import { WechatPayNotifyError, type WechatPayNotifyErrorReason } from '@app/wechatpay-notify';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Answers every failure of the notify route in WeChat Pay's shape, `{"code":"FAIL","message"}`:
 * a rejected notification with a 4xx (nothing stored), an internal fault with a 500 so WeChat
 * delivers again. Other routes keep Nest's default answers. Never a stack trace.
 */
@Catch()
export class NotifyFailureFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(NotifyFailureFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (!request.url.startsWith(NOTIFY_PATH)) {
      super.catch(exception, host);
      return;
    }
    const { status, message } = this.describe(exception);
    if (status >= 500) {
      this.logger.error(`Notification not stored: ${message}`);
    } else {
      this.logger.warn(`Notification rejected (${status}): ${message}`);
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply
      .status(status)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ code: 'FAIL', message }));
  }

  private describe(exception: unknown): { status: number; message: string } {
    if (exception instanceof WechatPayNotifyError) {
      return { status: STATUS_BY_REASON[exception.reason], message: exception.message };
    }
    if (exception instanceof InvalidPaymentError) {
      return { status: HttpStatus.BAD_REQUEST, message: exception.message };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), message: exception.message };
    }
    const status = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own rejections (body too large, bad content length) carry a statusCode.
      return { status, message: (exception as Error).message };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal error, please retry' };
  }
}
