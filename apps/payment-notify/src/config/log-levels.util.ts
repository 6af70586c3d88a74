import type { LogLevel } from '@nestjs/common';
import { LOG_LEVELS } from './app-config.constants';

/**
 * The Nest log levels enabled at `minimum` and above, for `NestFactory.create(..., { logger })`
 * or `app.useLogger(...)`; e.g. `'warn'` gives `['warn', 'error', 'fatal']`.
 */
export function logLevelsFrom(minimum: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(LOG_LEVELS.indexOf(minimum));
}
