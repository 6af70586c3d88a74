/**
 * Counts of requests received by the WeChat endpoints (faulted ones included).
 *
 * @publicApi
 */
export interface SandboxCounters {
  /** Token fetches; `stable` includes the `force_refresh` ones; `total = classic + stable`. */
  tokenCalls: { classic: number; stable: number; stableForceRefresh: number; total: number };
  /** getpaidunionid requests received. */
  lookups: number;
  /**
   * getpaidunionid requests by `transaction_id`, or by `${mch_id}:${out_trade_no}` (resolved to
   * the payment's transaction_id when that payment is registered).
   */
  lookupsByTransaction: Record<string, number>;
  /** Same keys, counting only the answers with `errcode: 0`. */
  successfulLookupsByTransaction: Record<string, number>;
  /** `api_component_token` requests received. */
  componentTokenFetches: number;
  /** `api_create_preauthcode` requests received. */
  preAuthCodes: number;
  /** `api_query_auth` requests received. */
  queryAuth: number;
  /** `api_authorizer_token` requests received. */
  authorizerTokenFetches: number;
  /** `api_get_authorizer_list` requests received. */
  authorizerListCalls: number;
  /** Pushes the sandbox sent to authorisation-event URLs (tickets and authorisation events). */
  componentPushes: number;
}
