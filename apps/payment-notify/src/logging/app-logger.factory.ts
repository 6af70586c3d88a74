import type { LoggerService } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { logLevelsFrom, type AppConfig } from '../config';
import { pinoParams } from './pino-params.factory';
import { RedactingConsoleLogger } from './redacting-console.logger';
import { createSecretCensor, secretsOf } from './secret-censor';

/**
 * The application logger to give `NestFactory.create` (`{ logger }`), used from the first line
 * on: Nest's console lines (`text`) or nestjs-pino JSON lines (`json`; request context comes
 * from {@link LoggingModule}'s middleware). Either way every line goes through the secret censor.
 */
export function createAppLogger(config: AppConfig): LoggerService {
  const censor = createSecretCensor(secretsOf(config));
  if (config.logFormat === 'json') {
    const params = pinoParams(config, censor);
    return new PinoNestLogger(new PinoLogger(params), params);
  }
  return new RedactingConsoleLogger(censor, { logLevels: logLevelsFrom(config.logLevel) });
}
