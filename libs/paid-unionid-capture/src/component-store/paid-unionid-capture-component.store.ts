import {
  WechatComponentStore,
  WechatComponentStoreError,
  type StoredAuthorizer,
  type StoredComponentTicket,
  type WechatComponentStoreOperation,
} from '@app/wechat-auth';
import type { DataSource } from 'typeorm';
import { ComponentStoreStatements } from './component-store.statements';

const MAX_DETAIL_LENGTH = 200;
const CREDENTIALS_IN_URL = /\/\/[^/\s@]*@/g;

/**
 * `WechatAuthModule`'s third-party platform state (the `component_verify_ticket`, each
 * authoriser's refresh token) in the capture module's database: tables
 * `paid_unionid_component_tickets` and `paid_unionid_component_authorizers`, created by the
 * module's migrations, on SQLite or PostgreSQL. Durable (a restart keeps the ticket) and shared by
 * every instance on the database; each write is one conditional upsert, so the newest
 * `createdAt` / `updatedAt` wins.
 *
 * `PaidUnionIdCaptureModule` provides and exports it; hand it to `WechatAuthModule` with
 * `forRootAsync({ inject: [PaidUnionIdCaptureComponentStore], useFactory: (store) => ({ ...,
 * component: { ..., store } }) })` and `isGlobal: true` on the capture module. Calls made before
 * the module's connection is open (migrations run) wait for it.
 *
 * A database failure rejects with a `WechatComponentStoreError` (nothing stored: the push is
 * answered with a failure and WeChat sends it again). Its message carries the driver's message
 * with any ticket or refresh token masked; the driver's error (which holds the statement's
 * parameters) is not kept.
 *
 * @publicApi
 */
export class PaidUnionIdCaptureComponentStore extends WechatComponentStore {
  private readonly statements: Promise<ComponentStoreStatements>;

  /**
   * @param dataSource a better-sqlite3 or PostgreSQL DataSource with the capture module's
   * migrations run (`captureDataSourceOptions` of the `./testing` entry opens one), or a promise
   * of it: the module passes the promise of its own connection, opened at start-up.
   */
  constructor(dataSource: DataSource | PromiseLike<DataSource>) {
    super();
    this.statements = Promise.resolve(dataSource).then(
      (opened) => new ComponentStoreStatements(opened),
    );
    // Reported by each call instead.
    this.statements.catch(() => undefined);
  }

  getTicket(componentAppId: string): Promise<StoredComponentTicket | undefined> {
    return this.run('getTicket', componentAppId, undefined, [], (s) => s.getTicket(componentAppId));
  }

  saveTicket(componentAppId: string, ticket: StoredComponentTicket): Promise<boolean> {
    return this.run('saveTicket', componentAppId, undefined, [ticket.ticket], (s) =>
      s.saveTicket(componentAppId, ticket),
    );
  }

  getAuthorizer(
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<StoredAuthorizer | undefined> {
    return this.run('getAuthorizer', componentAppId, authorizerAppId, [], (s) =>
      s.getAuthorizer(componentAppId, authorizerAppId),
    );
  }

  saveAuthorizer(componentAppId: string, record: StoredAuthorizer): Promise<boolean> {
    const secrets = record.refreshToken === undefined ? [] : [record.refreshToken];
    return this.run('saveAuthorizer', componentAppId, record.authorizerAppId, secrets, (s) =>
      s.saveAuthorizer(componentAppId, record),
    );
  }

  /** Runs one statement; any failure becomes a `WechatComponentStoreError` without the secrets. */
  private async run<T>(
    operation: WechatComponentStoreOperation,
    componentAppId: string,
    authorizerAppId: string | undefined,
    secrets: readonly string[],
    statement: (statements: ComponentStoreStatements) => Promise<T>,
  ): Promise<T> {
    try {
      return await statement(await this.statements);
    } catch (error) {
      throw new WechatComponentStoreError(
        operation,
        componentAppId,
        describe(error, secrets),
        authorizerAppId,
      );
    }
  }
}

/** The error's message (or code), without credentials or the given secrets, and short. */
function describe(error: unknown, secrets: readonly string[]): string {
  if (!(error instanceof Error)) return 'the database call failed';
  const code = (error as { code?: unknown }).code;
  let text = (error.message || (typeof code === 'string' ? code : error.name)).replace(
    CREDENTIALS_IN_URL,
    '//***@',
  );
  for (const secret of secrets) {
    if (secret.length > 0) text = text.split(secret).join('***');
  }
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}...` : text;
}
