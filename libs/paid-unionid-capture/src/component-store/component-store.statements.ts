import type { StoredAuthorizer, StoredComponentTicket } from '@app/wechat-auth';
import type { DataSource } from 'typeorm';
import { COMPONENT_AUTHORIZERS_TABLE, COMPONENT_TICKETS_TABLE } from '../store/store.constants';
import { sqliteQueueOf } from '../store/utils';

/** How statements reach one driver: its placeholders and how its operations are serialised. */
interface Dialect {
  /** The `n`th (1-based) parameter. */
  param(n: number): string;
  /** Runs one operation on the connection. */
  run<T>(operation: () => Promise<T>): Promise<T>;
}

const DIALECTS: Record<string, (dataSource: DataSource) => Dialect> = {
  // One connection: every store on it takes turns (see `sqliteQueueOf`).
  'better-sqlite3': (dataSource) => {
    const queue = sqliteQueueOf(dataSource);
    return { param: () => '?', run: (operation) => queue.run(operation) };
  },
  // A pool: each statement is atomic on its own.
  postgres: () => ({ param: (n) => `$${n}`, run: (operation) => operation() }),
};

interface TicketRow {
  ticket: string;
  created_at_ms: string | number;
}

interface AuthorizerRow {
  refresh_token: string | null;
  func_ids: string | null;
  revoked_at_ms: string | number | null;
  updated_at_ms: string | number;
}

/**
 * The SQL of `PaidUnionIdCaptureComponentStore` on one DataSource (SQLite or PostgreSQL): each
 * method is one statement; the writes are conditional upserts (`INSERT ... ON CONFLICT DO UPDATE
 * ... WHERE excluded.x >= t.x RETURNING`), so the newest record wins atomically and a returned row
 * tells that this write stored.
 */
export class ComponentStoreStatements {
  private readonly dialect: Dialect;
  private readonly selectTicket: string;
  private readonly upsertTicket: string;
  private readonly selectAuthorizer: string;
  private readonly upsertAuthorizer: string;

  /** @throws Error for a driver other than better-sqlite3 and postgres */
  constructor(private readonly dataSource: DataSource) {
    const dialect = DIALECTS[dataSource.options.type]?.(dataSource);
    if (!dialect) {
      throw new Error(
        `PaidUnionIdCaptureComponentStore supports better-sqlite3 and postgres DataSources, not ${dataSource.options.type}`,
      );
    }
    this.dialect = dialect;
    const p = (n: number) => dialect.param(n);
    const tickets = this.table(COMPONENT_TICKETS_TABLE);
    const authorizers = this.table(COMPONENT_AUTHORIZERS_TABLE);
    this.selectTicket = `SELECT ticket, created_at_ms FROM ${tickets} WHERE component_app_id = ${p(1)}`;
    this.upsertTicket = `INSERT INTO ${tickets} AS t (component_app_id, ticket, created_at_ms)
      VALUES (${p(1)}, ${p(2)}, ${p(3)})
      ON CONFLICT (component_app_id) DO UPDATE
        SET ticket = excluded.ticket, created_at_ms = excluded.created_at_ms
        WHERE excluded.created_at_ms >= t.created_at_ms
      RETURNING component_app_id`;
    this.selectAuthorizer = `SELECT refresh_token, func_ids, revoked_at_ms, updated_at_ms
      FROM ${authorizers} WHERE component_app_id = ${p(1)} AND authorizer_app_id = ${p(2)}`;
    this.upsertAuthorizer = `INSERT INTO ${authorizers} AS t (component_app_id, authorizer_app_id,
        refresh_token, func_ids, revoked_at_ms, updated_at_ms)
      VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})
      ON CONFLICT (component_app_id, authorizer_app_id) DO UPDATE
        SET refresh_token = excluded.refresh_token, func_ids = excluded.func_ids,
          revoked_at_ms = excluded.revoked_at_ms, updated_at_ms = excluded.updated_at_ms
        WHERE excluded.updated_at_ms >= t.updated_at_ms
      RETURNING component_app_id`;
  }

  async getTicket(componentAppId: string): Promise<StoredComponentTicket | undefined> {
    const [row] = await this.query<TicketRow>(this.selectTicket, [componentAppId]);
    return row && { ticket: row.ticket, createdAt: Number(row.created_at_ms) };
  }

  async saveTicket(componentAppId: string, ticket: StoredComponentTicket): Promise<boolean> {
    const rows = await this.query(this.upsertTicket, [
      componentAppId,
      ticket.ticket,
      ticket.createdAt,
    ]);
    return rows.length > 0;
  }

  async getAuthorizer(
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<StoredAuthorizer | undefined> {
    const [row] = await this.query<AuthorizerRow>(this.selectAuthorizer, [
      componentAppId,
      authorizerAppId,
    ]);
    if (!row) return undefined;
    const funcIds = parseFuncIds(row.func_ids);
    return {
      authorizerAppId,
      ...(row.refresh_token === null ? {} : { refreshToken: row.refresh_token }),
      ...(funcIds === undefined ? {} : { funcIds }),
      ...(row.revoked_at_ms === null ? {} : { revokedAt: Number(row.revoked_at_ms) }),
      updatedAt: Number(row.updated_at_ms),
    };
  }

  async saveAuthorizer(componentAppId: string, record: StoredAuthorizer): Promise<boolean> {
    const rows = await this.query(this.upsertAuthorizer, [
      componentAppId,
      record.authorizerAppId,
      record.refreshToken ?? null,
      record.funcIds === undefined ? null : JSON.stringify(record.funcIds),
      record.revokedAt ?? null,
      record.updatedAt,
    ]);
    return rows.length > 0;
  }

  private query<T = unknown>(sql: string, parameters: unknown[]): Promise<T[]> {
    return this.dialect.run(() => this.dataSource.query<T[]>(sql, parameters));
  }

  /** The table's name, quoted, in the DataSource's schema when it names one (PostgreSQL). */
  private table(name: string): string {
    const { driver, options } = this.dataSource;
    const schema = (options as { schema?: string }).schema;
    return schema ? `${driver.escape(schema)}.${driver.escape(name)}` : driver.escape(name);
  }
}

/** The stored JSON array of ids, or `undefined` when none (or not such an array). */
function parseFuncIds(value: string | null): number[] | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((id) => typeof id === 'number')
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
