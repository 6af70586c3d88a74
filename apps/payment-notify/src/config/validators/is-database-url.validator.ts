import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isInMemorySqliteUrl, parseDatabaseUrl } from '@app/paid-unionid-capture';

/**
 * Checks that the property is `sqlite:PATH` or a `postgres://` / `postgresql://` URL; an
 * in-memory SQLite database is refused (accepted payments must survive a restart).
 */
export function IsDatabaseUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDatabaseUrl',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && parseDatabaseUrl(value) !== undefined,
        // The URL may carry a password, so the message never echoes it.
        defaultMessage: (args) =>
          typeof args?.value === 'string' && isInMemorySqliteUrl(args.value)
            ? '$property must name a file: an in-memory SQLite database loses every payment at restart'
            : '$property must be sqlite:PATH or a postgres:// URL',
      },
    },
    options,
  );
}
