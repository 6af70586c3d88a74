import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Checks that the property is an absolute URL with a host and one of the given schemes
 * (e.g. `['http', 'https']`). Loopback hosts and ports are allowed, for sandboxes.
 */
export function IsUrlWithScheme(
  schemes: readonly string[],
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUrlWithScheme',
      constraints: [schemes],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && hasScheme(value, schemes),
        // A URL may carry credentials, so the message never echoes it.
        defaultMessage: () => `$property must be a ${schemes.join(':// or ')}:// URL`,
      },
    },
    options,
  );
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
  } catch {
    return false;
  }
}
