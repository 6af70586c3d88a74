import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { readPemFile, type PemFileKind } from '../pem-file.reader';

/**
 * Checks that the property names a readable file holding PEM of the given kind.
 * The message says what is wrong with the file but never quotes its content.
 */
export function IsPemFile(kind: PemFileKind, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPemFile',
      constraints: [kind],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && readPemFile(value, kind).ok,
        defaultMessage: (args?: ValidationArguments) => {
          const result =
            typeof args?.value === 'string' ? readPemFile(args.value, kind) : undefined;
          const problem =
            result && !result.ok ? result.problem : 'must name an existing, readable file';
          return `$property ${problem}`;
        },
      },
    },
    options,
  );
}
