/** A verified notification whose transaction cannot be stored as a payment. */
export class InvalidPaymentError extends Error {
  constructor(message: string) {
    super(`invalid transaction: ${message}`);
    this.name = new.target.name;
  }
}
