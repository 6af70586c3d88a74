/**
 * Thrown (and answered HTTP 400 by the control API) when sandbox options, faults or payments are
 * invalid. Never contains a secret.
 *
 * @publicApi
 */
export class SandboxInputError extends Error {
  override readonly name = 'SandboxInputError';
}
