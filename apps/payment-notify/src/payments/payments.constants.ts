/** WeChat accepts `getpaidunionid` for 5 minutes after the payment's `success_time`. */
export const PAYMENT_WINDOW_MS = 5 * 60_000;

/** Start of `last_errmsg` for payments failed by {@link PaymentsRepository.expireOverdue}. */
export const PAYMENT_WINDOW_EXPIRED_ERRMSG =
  'the 5-minute getpaidunionid window expired before a unionid was obtained';

/** Payment states; a row starts `pending` and ends `resolved` or `failed`. */
export const PAYMENT_STATUSES = ['pending', 'resolved', 'failed'] as const;

/** Table names, shared by the entities and the migrations. */
export const PAYMENTS_TABLE = 'payments';
export const UNIONIDS_TABLE = 'unionids';

/** PRAGMAs set on every SQLite connection before TypeORM uses it. */
export const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  // FULL: a 2xx promises the payment survives power loss, not only a crash (contract).
  'synchronous = FULL',
  'busy_timeout = 5000',
] as const;
