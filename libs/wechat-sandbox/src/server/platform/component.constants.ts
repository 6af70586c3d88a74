/** The permission set getpaidunionid needs when called with an authorizer token (小程序开发与数据分析). */
export const PAID_UNIONID_FUNC_ID = 18;

/** WeChat pushes a new `component_verify_ticket` this often. */
export const TICKET_PUSH_INTERVAL_MS = 10 * 60 * 1000;
