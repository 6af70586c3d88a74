/**
 * Bad `PaidUnionIdCaptureModule` options, thrown at bootstrap: one message naming every bad
 * option (values are never printed: a database URL may hold a password).
 *
 * @publicApi
 */
export class PaidUnionIdCaptureConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid PaidUnionIdCaptureModule options: ${problems.join('; ')}`);
    this.name = new.target.name;
  }
}
