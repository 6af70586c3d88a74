import type { ValidationError } from 'class-validator';

/** One invalid field: its path (e.g. `payer.openid`, `publicKeys[0].id`) and the failed rules. */
export interface ValidationProblem {
  path: string;
  messages: string[];
}

/** Flattens class-validator's error tree into field paths. Values are never read. */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  parentPath = '',
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${parentPath}[${error.property}]`
      : parentPath === ''
        ? error.property
        : `${parentPath}.${error.property}`;
    if (error.constraints !== undefined) {
      problems.push({ path, messages: Object.values(error.constraints) });
    }
    if (error.children !== undefined && error.children.length > 0) {
      problems.push(...flattenValidationErrors(error.children, path));
    }
  }
  return problems;
}
