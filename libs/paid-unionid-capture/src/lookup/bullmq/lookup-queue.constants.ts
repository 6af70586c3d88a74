/** The BullMQ queue of getpaidunionid lookups (one job per payment). */
export const LOOKUP_QUEUE = 'paid-unionid-lookups';

/** Job id of a payment's lookup: one job per transaction across all instances. */
export const lookupJobId = (transactionId: string): string => `tx-${transactionId}`;
