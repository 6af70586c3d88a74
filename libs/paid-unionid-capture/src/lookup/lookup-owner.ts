import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** @internal this process's name in row leases (one per module instance). */
export const LOOKUP_OWNER = 'PAID_UNIONID_CAPTURE:OWNER';

/** This process's name in row leases: unique per start, readable in the database. */
export const createLookupOwner = (): string =>
  `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** An error as one log-safe line (library errors never carry secrets). */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
