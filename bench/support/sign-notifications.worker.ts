import {
  buildWechatPayNotification,
  TEST_MERCHANT,
  TEST_WECHATPAY_PUBLIC_KEY,
} from '@app/wechat-sandbox';
import { parentPort } from 'node:worker_threads';
import type { SignedNotification } from './notification-pool';

/** Signs `count` distinct notifications (random ids, payer, order numbers), signed now. */
function signBatch(count: number): SignedNotification[] {
  const signed: SignedNotification[] = [];
  for (let i = 0; i < count; i += 1) {
    const fixture = buildWechatPayNotification({
      apiV3Key: TEST_MERCHANT.apiV3Key,
      signer: TEST_WECHATPAY_PUBLIC_KEY.signer,
    });
    const tx = fixture.transaction;
    signed.push({
      headers: fixture.headers,
      body: fixture.body,
      payment: {
        openid: tx.payer!.openid!,
        appId: tx.appid!,
        mchId: tx.mchid!,
        transactionId: tx.transaction_id!,
        outTradeNo: tx.out_trade_no!,
        paidAt: Date.parse(tx.success_time!),
      },
    });
  }
  return signed;
}

// Worker-thread entry: answers each `{ count }` message with a batch.
parentPort?.on('message', (message: { count: number }) => {
  parentPort?.postMessage(signBatch(message.count));
});
