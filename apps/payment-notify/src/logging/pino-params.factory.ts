import { RequestMethod, type LogLevel } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream, Level } from 'pino';
import type { AppConfig } from '../config';
import { serializeRequest, serializeResponse } from './request-line.serializers';
import type { SecretCensor } from './secret-censor';

const PINO_LEVELS: Record<LogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Probes and scrapes: one line each every few seconds would drown the rest. */
const UNLOGGED_PATHS = new Set(['/health', '/metrics']);

/** A request as the logging middleware sees it under Fastify (`@fastify/middie`). */
type MiddlewareRequest = IncomingMessage & { originalUrl?: string };

/** Where JSON lines go: `output`, each line censored first. */
export function censoredDestination(
  censor: SecretCensor,
  output: Pick<NodeJS.WritableStream, 'write'> = process.stdout,
): DestinationStream {
  return { write: (line: string) => void output.write(censor(line)) };
}

/**
 * nestjs-pino settings of `LOG_FORMAT=json`: one JSON object per line on stdout, the request id
 * (Fastify's, see `requestIdOf`) on the request's line (`req.id`) and on every line logged while
 * serving it (`reqId`), no request header copied whole (see `serializeRequest`), no line for
 * `/health` and `/metrics`, every line censored.
 */
export function pinoParams(
  config: Pick<AppConfig, 'logLevel'>,
  censor: SecretCensor,
  output?: Pick<NodeJS.WritableStream, 'write'>,
): Params {
  return {
    pinoHttp: [
      {
        level: PINO_LEVELS[config.logLevel],
        quietReqLogger: true,
        serializers: { req: serializeRequest, res: serializeResponse },
        autoLogging: {
          // Mounted on a path, middie hands middleware the URL relative to it (`/` here).
          ignore: (request: MiddlewareRequest) =>
            UNLOGGED_PATHS.has(pathOf(request.originalUrl ?? request.url)),
        },
        customLogLevel: (_request, response, error) =>
          error || response.statusCode >= 500
            ? 'error'
            : response.statusCode >= 400
              ? 'warn'
              : 'info',
      },
      censoredDestination(censor, output),
    ],
    // Nest 11 path syntax for "every route" (the library's default `*` draws a warning).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
  };
}

function pathOf(url: string | undefined): string {
  const path = url ?? '';
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}
