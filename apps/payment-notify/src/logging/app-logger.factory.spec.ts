import { Logger, type LoggerService } from '@nestjs/common';
import type { AppConfig } from '../config';
import { createAppLogger } from './app-logger.factory';

const APP_SECRET = '5f0c8a2e9b7d4c1a6e3f0b8d2c5a9e71';
const APIV3_KEY = 'AnApiV3KeyOf32Bytes0123456789abc';

const config = (logFormat: 'text' | 'json'): AppConfig =>
  ({
    logLevel: 'debug',
    logFormat,
    wechat: { secret: APP_SECRET },
    wechatPay: { apiV3Key: APIV3_KEY },
    database: { type: 'sqlite', path: ':memory:' },
  }) as unknown as AppConfig;

/** Everything written to stdout and stderr while `run` runs. */
function captureOutput(run: () => void): string[] {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return written.join('').split('\n').filter(Boolean);
}

function logEverything(logger: LoggerService): void {
  Logger.overrideLogger(logger);
  const log = new Logger('Spec');
  log.log(`configured with ${APP_SECRET}`);
  log.warn(`GET /cgi-bin/token?grant_type=client_credential&secret=${APP_SECRET} failed`);
  log.debug(`decrypting with ${APIV3_KEY}`);
  log.error(`request failed: {"access_token":"TOKEN-1234567890"}`, `Error: ${APIV3_KEY}\n    at x`);
}

describe('createAppLogger', () => {
  afterEach(() => Logger.overrideLogger(true));

  it('LOG_FORMAT=text: Nest console lines, every secret masked (stack traces too)', () => {
    const lines = captureOutput(() => logEverything(createAppLogger(config('text'))));
    expect(lines.filter((line) => line.includes('[Spec]'))).toHaveLength(4);
    expect(lines.join('\n')).toContain('secret=***');
    expect(lines.join('\n')).toContain('"access_token":"***"');
    expect(lines).toContain('Error: ***');
    for (const secret of [APP_SECRET, APIV3_KEY, 'TOKEN-1234567890']) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });

  it('LOG_FORMAT=json: one JSON object per line, every secret masked', () => {
    const lines = captureOutput(() => logEverything(createAppLogger(config('json'))));
    const entries = lines.map(
      (line) => JSON.parse(line) as { level: number; context: string; msg: string },
    );
    expect(entries.map((entry) => [entry.level, entry.context])).toEqual([
      [30, 'Spec'],
      [40, 'Spec'],
      [20, 'Spec'],
      [50, 'Spec'],
    ]);
    expect(entries[1].msg).toContain('secret=***');
    expect(lines[3]).toContain('Error: ***');
    for (const secret of [APP_SECRET, APIV3_KEY, 'TOKEN-1234567890']) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });
});
