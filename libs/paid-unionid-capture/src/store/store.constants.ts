/** Payment states; a row starts `pending` and ends `resolved` or `failed`. */
export const PAYMENT_STATUSES = ['pending', 'resolved', 'failed'] as const;

/**
 * Every name the module creates starts with `paid_unionid_`, so its tables, indexes and
 * migrations table sit beside an application's own in one database.
 */
export const PAYMENTS_TABLE = 'paid_unionid_payments';
export const UNIONIDS_TABLE = 'paid_unionid_unionids';
export const MIGRATIONS_TABLE = 'paid_unionid_migrations';
/** The `WechatComponentStore` of `PaidUnionIdCaptureComponentStore`: one ticket per platform. */
export const COMPONENT_TICKETS_TABLE = 'paid_unionid_component_tickets';
/** ... and one row per (platform, authoriser). */
export const COMPONENT_AUTHORIZERS_TABLE = 'paid_unionid_component_authorizers';

/** PRAGMAs set on every SQLite connection before TypeORM uses it. */
export const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  // FULL: a 2xx promises the payment survives power loss, not only a crash (contract).
  'synchronous = FULL',
  'busy_timeout = 5000',
] as const;
