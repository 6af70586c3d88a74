import { pino } from 'pino';
import { ENV_DEFAULTS } from '../config';
import { censoredDestination } from './pino-params.factory';
import { createSecretCensor, secretsOfEnvironment } from './secret-censor';

/**
 * Writes the one line that ends a failed start-up to stderr, censored, in the format asked for
 * by `LOG_FORMAT` (read raw: the configuration may be what failed).
 */
export function reportStartupFailure(
  message: string,
  env: Record<string, string | undefined> = process.env,
): void {
  const censor = createSecretCensor(secretsOfEnvironment(env));
  const format = env.LOG_FORMAT?.trim() || ENV_DEFAULTS.LOG_FORMAT;
  if (format === 'json') {
    pino(censoredDestination(censor, process.stderr)).fatal(message);
  } else {
    process.stderr.write(`${censor(message)}\n`);
  }
}
