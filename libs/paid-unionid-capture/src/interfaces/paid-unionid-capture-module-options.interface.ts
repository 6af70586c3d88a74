import type { DataSource } from 'typeorm';
import type { PaidUnionIdCaptureHooks } from './paid-unionid-capture-hooks.interface';
import type {
  PaidUnionIdFailedEvent,
  PaidUnionIdResolvedEvent,
} from './paid-unionid-events.interface';

/** Which order key `getpaidunionid` gets besides the openid. */
export type PaidUnionIdLookupSelector = 'transaction_id' | 'out_trade_no';

/** A handler of captured outcomes; a throw (or a crash before it returns) delivers the event again. */
export type PaidUnionIdEventHandler<E> = (event: E) => unknown;

/**
 * Options of `PaidUnionIdCaptureModule.forRoot` / `forRootAsync`.
 *
 * @publicApi
 */
export interface PaidUnionIdCaptureModuleOptions {
  /**
   * Where payments and unionids are stored: `sqlite:PATH`, `postgres://...` (`postgresql://`),
   * or your application's initialised TypeORM `DataSource` (SQLite through better-sqlite3, or
   * PostgreSQL). The module owns its tables (`paid_unionid_*`) and runs its own migrations
   * (table `paid_unionid_migrations`) at start-up.
   */
  database: string | DataSource;
  /**
   * `redis://` or `rediss://` URL: lookups become BullMQ jobs shared by every instance (job id =
   * transaction id). Unset: lookups run in this process.
   */
  redis?: string;
  /** Called after a unionid is committed; at least once, durably (see the README). */
  onResolved?: PaidUnionIdEventHandler<PaidUnionIdResolvedEvent>;
  /** Called after a payment failed for good (terminal errcode or the window closed); at least once. */
  onFailed?: PaidUnionIdEventHandler<PaidUnionIdFailedEvent>;
  /**
   * Mini programs whose payments are looked up; a notification of another appid is acknowledged
   * and not stored. @default the apps `WechatAuthModule` is configured for
   */
  appIds?: string[];
  /** Order key sent to `getpaidunionid`. @default 'transaction_id' */
  selector?: PaidUnionIdLookupSelector;
  /** Lookups running at once in this process. @default 64 */
  concurrency?: number;
  /** A claimed lookup calls WeChat at most this long, then the row is rescheduled. @default 20000 */
  sliceMs?: number;
  /** Interval of the scan for due lookups, expired windows and undelivered events. @default 500 */
  pollMs?: number;
  /** With `redis`: lookups started per second across every instance; 0 = no limit. @default 0 */
  rateLimit?: number;
  /** Counters for metrics; nothing is collected without them. */
  hooks?: PaidUnionIdCaptureHooks;
}

/** Extras of `forRoot` / `forRootAsync` beside the options. @publicApi */
export interface PaidUnionIdCaptureModuleExtras {
  /** Register the module globally. @default false */
  isGlobal?: boolean;
}
