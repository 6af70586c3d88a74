import type { PAYMENT_STATUSES } from '../store.constants';

/** `pending` until a unionid is stored (`resolved`) or the lookup gave up (`failed`). */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
