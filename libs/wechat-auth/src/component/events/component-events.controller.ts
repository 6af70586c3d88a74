import { Controller, Inject, Logger, Post, Req, Res, type OnModuleInit } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WechatAuthConfigError } from '../../errors/wechat-auth-config.error';
import { WechatComponentMessageError } from '../../errors/wechat-component-message.error';
import { COMPONENT_MESSAGE_MAX_BYTES, WechatComponentMessageCrypto } from '../crypto';
import { WechatComponentService } from '../wechat-component.service';

const XML_CONTENT_TYPES = ['text/xml', 'application/xml'];

/** What the route reads of an Express or Fastify request. */
interface EventRequest {
  query?: unknown;
  rawBody?: unknown;
  body?: unknown;
  readable?: boolean;
  [Symbol.asyncIterator]?: () => AsyncIterator<unknown>;
}

/** The encapsulated Fastify instance, as far as this route touches it. */
interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(
    type: string[],
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: unknown, body: Buffer, done: (error: null, body: Buffer) => void) => void,
  ): void;
}

class BodyTooLargeError extends Error {}

/**
 * `POST <componentEventsPath>`: the third-party platform's authorisation-event URL. Verifies
 * `msg_signature`, decrypts (AES-256-CBC, the appid check), lets `WechatComponentService` act
 * (ticket, authorisation codes, revocations) and answers `success` once that is stored, so WeChat
 * pushes again whatever was not. Forged or malformed pushes get `400`, oversized ones `413`.
 */
// No class decorator here: `createComponentEventsController` gives each path its subclass.
export class WechatComponentEventsController implements OnModuleInit {
  private readonly logger = new Logger('WechatComponentEvents');

  constructor(
    @Inject(WechatComponentMessageCrypto) private readonly crypto: WechatComponentMessageCrypto,
    private readonly service: WechatComponentService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Fastify refuses bodies it has no parser for: XML is read as bytes. */
  onModuleInit(): void {
    if (!this.crypto) {
      throw new WechatAuthConfigError(['componentEventsPath needs the `component` option']);
    }
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyLike>();
    const missing = XML_CONTENT_TYPES.filter((type) => !fastify.hasContentTypeParser(type));
    if (missing.length > 0) {
      fastify.addContentTypeParser(
        missing,
        { parseAs: 'buffer', bodyLimit: COMPONENT_MESSAGE_MAX_BYTES },
        (_request, body, done) => done(null, body),
      );
    }
  }

  @Post()
  async receive(@Req() request: EventRequest, @Res() response: unknown): Promise<void> {
    const [status, text] = await this.answer(request);
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
    adapter.reply(response, text, status);
  }

  private async answer(request: EventRequest): Promise<[number, string]> {
    let event;
    try {
      const rawBody = await readBody(request);
      event = this.crypto.decryptEvent(request.query ?? {}, rawBody);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        this.logger.warn('Component push refused: body too large');
        return [413, 'fail'];
      }
      if (error instanceof WechatComponentMessageError) {
        this.logger.warn(`Component push refused (${error.reason}): ${error.message}`);
        return [400, 'fail'];
      }
      this.logger.error(`Component push not read: ${describe(error)}`);
      return [500, 'fail'];
    }
    try {
      await this.service.handle(event);
      return [200, 'success'];
    } catch (error) {
      // WeChat pushes again after a non-success answer.
      this.logger.error(
        `Component event ${event.infoType} not handled: ${describe(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
      return [500, 'fail'];
    }
  }
}

/** The request's bytes: kept by the platform (rawBody, a Buffer body) or read from the stream. */
async function readBody(request: EventRequest): Promise<Buffer> {
  if (Buffer.isBuffer(request.rawBody)) return limit(request.rawBody);
  if (Buffer.isBuffer(request.body)) return limit(request.body);
  // A text body parser ran: the signature covers the Encrypt value, not the bytes around it.
  if (typeof request.body === 'string') return limit(Buffer.from(request.body, 'utf8'));
  if (!request.readable || !request[Symbol.asyncIterator]) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > COMPONENT_MESSAGE_MAX_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function limit(body: Buffer): Buffer {
  if (body.length > COMPONENT_MESSAGE_MAX_BYTES) throw new BodyTooLargeError();
  return body;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}

/**
 * The authorisation-event controller served at `path`.
 * @throws WechatAuthConfigError when `path` is not a non-empty string
 */
export function createComponentEventsController(
  path: unknown,
): Type<WechatComponentEventsController> {
  if (typeof path !== 'string' || path.replace(/\//g, '').trim() === '') {
    throw new WechatAuthConfigError(['componentEventsPath must be a non-empty path']);
  }
  @Controller(path)
  class ComponentEventsRoute extends WechatComponentEventsController {}
  Object.defineProperty(ComponentEventsRoute, 'name', {
    value: WechatComponentEventsController.name,
  });
  return ComponentEventsRoute;
}
