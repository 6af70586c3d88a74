import { WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES } from '@app/wechatpay-notify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createOpenApiDocument, OpenApiDocumentSource } from '../docs';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging';
import { PaymentMetrics } from '../metrics';
import { NotifyFailureFilter } from './notify-failure.filter';

/** Real notifications are about 1 KiB; a larger body is refused (413) before it is read whole. */
export const MAX_BODY_BYTES = WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES;

/** A request whose headers and body have not all arrived by then is answered 408 (or closed). */
export const REQUEST_DEADLINE_MS = 30_000;

/**
 * Node checks request deadlines on a timer, so a request can outlive its timeout by up to one
 * interval (30 s by default): the timeout leaves room for one check, keeping the deadline whole.
 */
const DEADLINE_CHECK_INTERVAL_MS = 1_000;
const REQUEST_TIMEOUT_MS = REQUEST_DEADLINE_MS - DEADLINE_CHECK_INTERVAL_MS;

/** `rawBody`: the notify route verifies the signature over the exact bytes received. */
export const HTTP_APP_OPTIONS = { rawBody: true } as const;

/**
 * The HTTP adapter: Fastify costs about a third less CPU per request than Express here. Request
 * ids come from `X-Request-Id` when given (see `requestIdOf`). The port faces the internet, so
 * slow senders are cut off: headers and body must arrive within {@link REQUEST_DEADLINE_MS}, a
 * silent connection is closed after the same time, and bodies are capped at {@link MAX_BODY_BYTES}.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    genReqId: requestIdOf,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: REQUEST_DEADLINE_MS,
    http: {
      headersTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
    },
  });
}

/**
 * Every answer carries its request id in `X-Request-Id`; failures on the notify route that the
 * HTTP layer produced get WeChat Pay's answer shape. The OpenAPI document (`GET /docs`)
 * describes the app as created.
 */
export function configureHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.useGlobalFilters(new NotifyFailureFilter(app.getHttpAdapter(), app.get(PaymentMetrics)));
  app.get(OpenApiDocumentSource).attach(() => createOpenApiDocument(app));
}
