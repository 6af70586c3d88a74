/** Buckets of the notify-to-unionid histogram, in seconds: from 50 ms to the 5-minute window. */
export const UNIONID_LATENCY_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 180, 240, 300,
] as const;

/** The pending-lookups gauge reads the database at most this often, however often it is scraped. */
export const PENDING_REFRESH_MS = 1000;

/** What became of a notification that reached `POST /wechatpay/notify`. */
export type NotificationOutcome =
  /** Stored as a new payment; a lookup follows. */
  | 'accepted'
  /** Already stored (same transaction or notification id): acknowledged, nothing changed. */
  | 'duplicate'
  /** Valid, but another event type or a trade state other than SUCCESS: acknowledged only. */
  | 'ignored'
  /** Answered 4xx: not stored. */
  | 'rejected'
  /** Answered 500 (e.g. the database failed): not stored, WeChat delivers it again. */
  | 'error';

/** What one lookup slice ended with. */
export type LookupOutcome = 'resolved' | 'failed' | 'retry';

/** Where a payment's 5-minute window was found closed without a unionid. */
export type WindowMissStage =
  /** A lookup ran out of the window, or was claimed after it. */
  | 'lookup'
  /** The periodic scan failed a pending row past its deadline. */
  | 'scan';
