/** The parties of a captured payment. @publicApi */
export interface CapturedPaymentParties {
  transactionId: string;
  outTradeNo: string;
  mchId: string;
  appId: string;
  openid: string;
}

/** Given to `onResolved`: the unionid is committed. @publicApi */
export interface PaidUnionIdResolvedEvent extends CapturedPaymentParties {
  unionid: string;
  /** When the unionid was stored. */
  resolvedAt: Date;
}

/** Given to `onFailed`: the payment will never get a unionid. @publicApi */
export interface PaidUnionIdFailedEvent extends CapturedPaymentParties {
  /** The last WeChat errcode seen, or `null` when WeChat never answered one. */
  errcode: number | null;
  errmsg: string;
}
