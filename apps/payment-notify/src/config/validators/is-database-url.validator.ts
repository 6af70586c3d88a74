import { ValidateBy, type ValidationOptions } from 'class-validator';
import { parseDatabaseUrl } from '../database-url.parser';

/** Checks that the property is `sqlite:PATH` or a `postgres://` / `postgresql://` URL. */
export function IsDatabaseUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDatabaseUrl',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && parseDatabaseUrl(value) !== undefined,
        // The URL may carry a password, so the message never echoes it.
        defaultMessage: () => '$property must be sqlite:PATH or a postgres:// URL',
      },
    },
    options,
  );
}
