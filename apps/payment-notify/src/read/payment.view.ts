import type { PaidUnionIdCaptureStatus } from '@app/paid-unionid-capture';

/** `GET /payments/:transactionId` answer, as fixed by the contract. */
export type PaymentView = PaidUnionIdCaptureStatus;
