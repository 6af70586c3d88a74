import { Controller, Get, Module, Param } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import { setImmediate as nextTick } from 'node:timers/promises';
import { pinoParams } from './pino-params.factory';
import { REQUEST_ID_HEADER } from './request-id';
import { MAX_LOGGED_URL_LENGTH, MAX_LOGGED_USER_AGENT_LENGTH } from './request-line.serializers';
import { createSecretCensor } from './secret-censor';

@Controller()
class RoutesController {
  @Get(['health', 'metrics', 'payments/:id'])
  ok(): string {
    return 'ok';
  }

  @Get('unionids/:openid')
  unionid(@Param('openid') openid: string): { openid: string } {
    return { openid };
  }
}

interface RequestLine {
  req: Record<string, unknown> & { id: string; url: string };
  res: Record<string, unknown>;
}

const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';
/** 16 KB of what made the former censor patterns backtrack. */
const HOSTILE = 'a.a:'.repeat(4096);

/** nestjs-pino with the app's settings on Fastify (as in the app), lines kept in `lines`. */
describe('pinoParams (request lines on Fastify)', () => {
  let app: NestFastifyApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    const output = { write: (line: string) => lines.push(line) > 0 };
    @Module({
      imports: [
        LoggerModule.forRoot(
          pinoParams({ logLevel: 'log' }, createSecretCensor(['AnApiV3KeyOf32Bytes0123']), output),
        ),
      ],
      controllers: [RoutesController],
    })
    class LoggedModule {}
    const moduleRef = await Test.createTestingModule({ imports: [LoggedModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter({ requestIdHeader: REQUEST_ID_HEADER }),
      { logger: false },
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  /** The request line of one request (pino-http writes it when the response finishes). */
  async function requestLine(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ line: string; entry: RequestLine } | undefined> {
    const id = `req-${lines.length}-${Math.random().toString(36).slice(2)}`;
    await app.inject({ method: 'GET', url, headers: { 'x-request-id': id, ...headers } });
    await nextTick();
    const line = lines.find((candidate) => candidate.includes(`"id":"${id}"`));
    return line === undefined ? undefined : { line, entry: JSON.parse(line) as RequestLine };
  }

  it('writes one line per request: id, method, URL, address, status', async () => {
    const logged = await requestLine('/payments/4200000000?x=1');
    expect(logged?.entry).toMatchObject({
      req: { method: 'GET', url: '/payments/4200000000?x=1', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
    });
    expect(Object.keys(logged?.entry.res ?? {})).toEqual(['statusCode']);
  });

  it.each(['/health', '/metrics', '/health?probe=1'])('writes no line for %s', async (url) => {
    const before = lines.length;
    await app.inject({ method: 'GET', url });
    await nextTick();
    expect(lines.slice(before)).toEqual([]);
  });

  it('copies no request header whole: a 16 KB header never reaches the line', async () => {
    const logged = await requestLine('/payments/1', {
      'x-hostile': HOSTILE,
      authorization: `Bearer ${HOSTILE}`,
      cookie: `session=${HOSTILE}`,
      'user-agent': `curl/8 ${HOSTILE}`,
      'content-length': '0',
    });
    expect(logged?.entry.req).toEqual({
      id: expect.any(String),
      method: 'GET',
      url: '/payments/1',
      remoteAddress: '127.0.0.1',
      userAgent: `curl/8 ${HOSTILE}`.slice(0, MAX_LOGGED_USER_AGENT_LENGTH) + '...',
      contentLength: 0,
    });
    expect(logged?.line).not.toContain(HOSTILE.slice(0, 400));
    expect(logged?.line.length).toBeLessThan(1024);
  });

  it('cuts a long URL', async () => {
    const url = `/payments/1?q=${'9'.repeat(8000)}`;
    const logged = await requestLine(url);
    expect(logged?.entry.req.url).toBe(`${url.slice(0, MAX_LOGGED_URL_LENGTH)}...`);
    expect(logged?.entry.req.url.length).toBe(MAX_LOGGED_URL_LENGTH + 3);
  });

  it('shortens openids in logged URLs', async () => {
    const inPath = await requestLine(`/unionids/${OPENID}`);
    expect(inPath?.entry.req.url).toBe('/unionids/oUp***');
    const inQuery = await requestLine(`/payments/1?openid=${OPENID}&x=1`);
    expect(inQuery?.entry.req.url).toBe('/payments/1?openid=oUp***&x=1');
    expect(lines.join('\n')).not.toContain(OPENID);
  });
});
