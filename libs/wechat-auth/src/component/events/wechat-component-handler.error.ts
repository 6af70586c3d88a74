/**
 * An `@OnWechatComponentEvent()` handler threw while handling a verified event; `cause` holds
 * what it threw. The route answers `500`, so WeChat pushes the event again.
 *
 * @publicApi
 */
export class WechatComponentHandlerError extends Error {
  constructor(
    /** `Class.method` of the handler that failed. */
    readonly handler: string,
    readonly infoType: string,
    cause: unknown,
  ) {
    super(
      `The component event handler ${handler} failed on ${infoType}: ${
        cause instanceof Error ? cause.name : 'a non-Error value'
      }`,
      { cause },
    );
    this.name = new.target.name;
  }
}
