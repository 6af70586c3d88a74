/**
 * Thrown at start-up when environment variables are missing or malformed.
 * The message is one line naming every bad variable; it never contains a value.
 */
export class InvalidEnvironmentError extends Error {
  /** One problem per bad variable, each starting with the variable's name. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
    this.name = this.constructor.name;
    this.problems = problems;
  }
}
