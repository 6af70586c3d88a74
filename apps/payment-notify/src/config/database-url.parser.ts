import { resolve } from 'node:path';
import type { DatabaseConfig } from './interfaces';

const SQLITE_PREFIX = 'sqlite:';
const POSTGRES_URL = /^postgres(?:ql)?:\/\//;

/**
 * Turns `DATABASE_URL` into a {@link DatabaseConfig}: `sqlite:PATH` (relative paths resolve
 * against the working directory) or a `postgres://` / `postgresql://` URL.
 * Returns `undefined` when the value is neither.
 */
export function parseDatabaseUrl(value: string): DatabaseConfig | undefined {
  if (value.startsWith(SQLITE_PREFIX)) {
    const path = value.slice(SQLITE_PREFIX.length);
    if (path.trim() === '') return undefined;
    return { type: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
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
