import { resolve } from 'node:path';
/** Where payments are stored, as parsed from a database URL. @publicApi */
export type CaptureDatabaseConfig =
  | {
      readonly type: 'sqlite';
      /** Absolute path of the SQLite file (never in memory: payments must survive a restart). */
      readonly path: string;
    }
  | {
      readonly type: 'postgres';
      /** `postgres://` or `postgresql://` connection URL (may hold a password: never log it). */
      readonly url: string;
    };

const SQLITE_PREFIX = 'sqlite:';
const POSTGRES_URL = /^postgres(?:ql)?:\/\//;

/** SQLite's names for a database that lives only as long as its connection. */
const SQLITE_IN_MEMORY = /^(?:file:)?:memory:|[?&]mode=memory\b/;

/** Whether `value` is a `sqlite:` URL of an in-memory database: accepted payments would not survive a restart. */
export function isInMemorySqliteUrl(value: string): boolean {
  return (
    value.startsWith(SQLITE_PREFIX) && SQLITE_IN_MEMORY.test(value.slice(SQLITE_PREFIX.length))
  );
}

/**
 * Turns `DATABASE_URL` into a {@link DatabaseConfig}: `sqlite:PATH` (relative paths resolve
 * against the working directory) or a `postgres://` / `postgresql://` URL.
 * Returns `undefined` when the value is neither, or an in-memory SQLite database.
 */
export function parseDatabaseUrl(value: string): CaptureDatabaseConfig | undefined {
  if (value.startsWith(SQLITE_PREFIX)) {
    const path = value.slice(SQLITE_PREFIX.length);
    if (path.trim() === '' || isInMemorySqliteUrl(value)) return undefined;
    return { type: 'sqlite', path: resolve(path) };
  }
  if (POSTGRES_URL.test(value)) {
    try {
      const url = new URL(value);
      // A socket directory may come as ?host=/path instead of a host name.
      if (url.hostname === '' && !url.searchParams.has('host')) return undefined;
    } catch {
      return undefined;
    }
    return { type: 'postgres', url: value };
  }
  return undefined;
}
