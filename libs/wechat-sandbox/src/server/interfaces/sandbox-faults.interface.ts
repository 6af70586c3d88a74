/**
 * Standing faults. Rates apply to getpaidunionid only; `tokenError` to both token endpoints;
 * `componentError` and `componentDelayMs` to the five third-party platform endpoints.
 *
 * @publicApi
 */
export interface SandboxFaults {
  /** 0..1 share of getpaidunionid calls answered `{"errcode":-1,"errmsg":"system error rid: ..."}`. */
  busyRate?: number;
  /** 0..1 share of getpaidunionid calls answered HTTP 502 with a non-JSON (HTML) body. */
  http5xxRate?: number;
  /** 0..1 share of getpaidunionid calls whose socket is destroyed without an answer. */
  resetRate?: number;
  /** Milliseconds added before every getpaidunionid answer. */
  delayMs?: number;
  /** getpaidunionid requests get no answer until `hang` is turned off or the sandbox stops. */
  hang?: boolean;
  /** Every token fetch (classic and stable) answers this error. */
  tokenError?: { errcode: number; errmsg?: string } | null;
  /** Every third-party platform (`/cgi-bin/component/*`) request answers this error. */
  componentError?: { errcode: number; errmsg?: string } | null;
  /** Milliseconds added before every third-party platform (`/cgi-bin/component/*`) answer. */
  componentDelayMs?: number;
}

/**
 * One queued fault (see `failNext` / `failNextToken` / `failNextComponent`): a WeChat "system busy" (`-1`), an HTTP 502,
 * a socket reset, a request that is never answered, or any WeChat error code.
 *
 * @publicApi
 */
export type SandboxFaultKind = 'busy' | 'http5xx' | 'reset' | 'hang' | SandboxErrorFault;

/**
 * A WeChat error answer; the sandbox appends ` rid: ...` to `errmsg` (default: the usual message
 * for that errcode).
 *
 * @publicApi
 */
export interface SandboxErrorFault {
  errcode: number;
  errmsg?: string;
}
