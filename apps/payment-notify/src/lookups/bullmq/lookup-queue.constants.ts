/** The BullMQ queue of getpaidunionid lookups (one job per payment). */
export const LOOKUP_QUEUE = 'paid-unionid-lookups';

/** Job id of a payment's lookup: one job per transaction across all instances. */
export const lookupJobId = (transactionId: string): string => `tx-${transactionId}`;

/** BullMQ connection options (from `REDIS_URL`) of the lookup worker. */
export const LOOKUP_REDIS_OPTIONS = 'PAYMENT_NOTIFY:LOOKUP_REDIS_OPTIONS';
