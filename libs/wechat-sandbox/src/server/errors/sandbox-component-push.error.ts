/**
 * A push to an authorisation-event URL got no HTTP answer (connection refused, reset, timeout,
 * sandbox stopped). What the push announced (ticket, authorisation, revocation) has happened in
 * the sandbox all the same, as it would at WeChat. Answered HTTP 502 by the control API.
 *
 * @publicApi
 */
export class SandboxComponentPushError extends Error {
  override readonly name = 'SandboxComponentPushError';
}
