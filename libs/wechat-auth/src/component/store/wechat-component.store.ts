/**
 * The newest `component_verify_ticket` WeChat pushed to the authorisation-event URL.
 *
 * @publicApi
 */
export interface StoredComponentTicket {
  /** `ComponentVerifyTicket`, opaque. Never logged. */
  ticket: string;
  /** Epoch ms of the push (its `CreateTime` x 1000). WeChat accepts a ticket for 12 hours. */
  createdAt: number;
}

/**
 * What the platform keeps of one mini program that authorised it.
 *
 * @publicApi
 */
export interface StoredAuthorizer {
  authorizerAppId: string;
  /**
   * `authorizer_refresh_token`; absent while the app authorised but no code was exchanged yet, and
   * after it revoked its authorisation. Never logged.
   */
  refreshToken?: string;
  /** Permission-set ids the app granted (`func_info`), when known; 18 allows getpaidunionid. */
  funcIds?: number[];
  /** Epoch ms of the `unauthorized` event: the app revoked its authorisation. */
  revokedAt?: number;
  /** Epoch ms of the change this record reflects; a store keeps the record with the greatest. */
  updatedAt: number;
}

/**
 * Durable storage of a third-party platform's state: the ticket (a restart must not wait 10
 * minutes for the next push) and each authoriser's refresh token (losing one means asking WeChat
 * for the authoriser list). Abstract class, so it is both the type and the injection token.
 * Ready implementations: `InMemoryWechatComponentStore` (one process, lost on restart),
 * `RedisWechatComponentStore`, and the capture module's database store.
 *
 * Every method may be called by several instances at once; writes are conditional (newest wins),
 * so an older push or a slower instance never overwrites newer state.
 *
 * A store that cannot read or write rejects (the built-in ones with `WechatComponentStoreError`)
 * rather than answering "nothing stored": a push whose ticket or refresh token was not stored is
 * then answered with a failure and WeChat sends it again. Never put a ticket or a refresh token in
 * an error message or a log line. `describeWechatComponentStore` (entry point `./testing`) checks
 * an implementation against this contract.
 *
 * @publicApi
 */
export abstract class WechatComponentStore {
  /** The newest ticket stored for the platform `componentAppId`. */
  abstract getTicket(componentAppId: string): Promise<StoredComponentTicket | undefined>;

  /**
   * Stores `ticket` unless a ticket with a later `createdAt` is already stored.
   * @returns whether it stored
   */
  abstract saveTicket(componentAppId: string, ticket: StoredComponentTicket): Promise<boolean>;

  abstract getAuthorizer(
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<StoredAuthorizer | undefined>;

  /**
   * Stores `record` (replacing the whole stored record) unless the stored one has a later
   * `updatedAt`. Equal `updatedAt`: the new record wins.
   * @returns whether it stored
   */
  abstract saveAuthorizer(componentAppId: string, record: StoredAuthorizer): Promise<boolean>;
}
