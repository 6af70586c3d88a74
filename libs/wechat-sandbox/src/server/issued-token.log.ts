import { randomBytes } from 'node:crypto';

/** A new access-token-shaped value: URL-safe, like real tokens, and unmistakable in leak checks. */
export function newTokenValue(): string {
  return `sbx_${randomBytes(96).toString('base64url')}`;
}

/** Every token the sandbox issued, in order, whichever registry issued it (for leak checks). */
export class IssuedTokenLog {
  private readonly values: string[] = [];

  record(value: string): void {
    this.values.push(value);
  }

  list(): string[] {
    return [...this.values];
  }
}
