// class-transformer's implicit conversion reads design-type metadata through this polyfill.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentVariables } from './environment-variables.schema';
import { InvalidEnvironmentError } from './errors';

/**
 * Validates the raw environment; use it as `ConfigModule.forRoot({ validate: validateEnvironment })`.
 * Unset and empty (or blank) variables count as missing, so defaults apply to `PORT=` too.
 * Returns only the app's own variables, converted and with defaults filled in.
 *
 * @throws {InvalidEnvironmentError} naming every bad variable in one line, without any value.
 */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const present = Object.fromEntries(
    Object.entries(raw).filter(
      ([, value]) => value !== undefined && !(typeof value === 'string' && value.trim() === ''),
    ),
  );
  const env = plainToInstance(EnvironmentVariables, present, {
    enableImplicitConversion: true,
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, { stopAtFirstError: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(
      errors.flatMap((error) => Object.values(error.constraints ?? {})),
    );
  }
  return env;
}
