import Database from 'better-sqlite3';
import { createDecipheriv, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BaselineLookups, type BaselineLookupOptions } from './baseline-lookups';

/** Configuration of the bare `node:http` baseline: the app's keys, database and WeChat. */
export interface BaselineOptions {
  databasePath: string;
  publicKeyPem: string;
  publicKeyId: string;
  apiV3Key: string;
  mchId: string;
  lookups: BaselineLookupOptions;
}

/** A rejected notification: HTTP status and a message for `{"code":"FAIL","message"}`. */
export class NotifyRejection extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_SKEW_SECONDS = 300;
const PAYMENT_WINDOW_MS = 5 * 60_000;
const TAG_LENGTH = 16;
const UNIX_SECONDS = /^\d{1,12}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const NEWLINE = 0x0a;
/** Column sizes of `payments` (as the app's migration creates them). */
const MAX = {
  transactionId: 32,
  notificationId: 64,
  outTradeNo: 64,
  mchId: 32,
  appId: 64,
  openid: 128,
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max = Infinity): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** Called once the notification is durable (or was not to be stored); with the error otherwise. */
export type StoredCallback = (error?: unknown) => void;

/** One write of a group commit, and what to do once its transaction committed. */
type Write = [run: () => unknown, done: (error: unknown, result?: unknown) => void];

type InsertParams = [
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  number,
  number,
  number,
  number,
  number,
];

/**
 * The app's notify work written directly, as well as we can: header and timestamp checks, RSA
 * verification of the raw bytes with a pre-parsed key, JSON.parse, AES-256-GCM decryption,
 * the transaction checks the app makes, and one prepared `INSERT ... ON CONFLICT DO NOTHING`
 * into the app's `payments` table (WAL, synchronous=FULL, like the app), with group commit:
 * the writes of one event-loop turn share one transaction (one fsync), and each notification
 * is answered after its transaction committed. Then the same lookup as the app: getpaidunionid
 * over a raw keep-alive client (`BaselineLookups`), the unionid written to the payment and to
 * `paid_unionid_unionids`, with group commit too.
 */
export class BaselineNotifyHandler {
  private readonly keys: Map<string, KeyObject>;
  private readonly apiV3Key: Buffer;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly resolve: Database.Statement;
  private readonly upsertUnionId: Database.Statement;
  private readonly fail: Database.Statement;
  private readonly commitBatch: (batch: Write[]) => [error: unknown, result?: unknown][];
  private readonly lookups: BaselineLookups;
  private pending: Write[] = [];

  constructor(private readonly options: BaselineOptions) {
    this.keys = new Map([[options.publicKeyId, createPublicKey(options.publicKeyPem)]]);
    this.apiV3Key = Buffer.from(options.apiV3Key, 'utf8');
    this.db = new Database(options.databasePath, { fileMustExist: true });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.insert = this.db.prepare(
      `INSERT INTO paid_unionid_payments (transaction_id, notification_id, out_trade_no, mch_id, app_id, openid,
         amount_total, currency, success_time_ms, deadline_ms, status, unionid, attempts,
         next_attempt_at_ms, lease_owner, lease_until_ms, last_errcode, last_errmsg,
         created_at_ms, updated_at_ms, resolved_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, 0, ?, NULL, NULL, NULL, NULL, ?, ?, NULL)
       ON CONFLICT DO NOTHING`,
    );
    this.resolve = this.db.prepare(
      `UPDATE paid_unionid_payments SET status = 'resolved', unionid = ?, resolved_at_ms = ?,
         updated_at_ms = ?, attempts = attempts + 1
       WHERE transaction_id = ? AND status = 'pending'`,
    );
    this.upsertUnionId = this.db.prepare(
      `INSERT INTO paid_unionid_unionids (openid, unionid, app_id, updated_at_ms)
       SELECT openid, ?, app_id, ? FROM paid_unionid_payments WHERE transaction_id = ?
       ON CONFLICT (openid) DO UPDATE SET unionid = excluded.unionid, app_id = excluded.app_id,
         updated_at_ms = excluded.updated_at_ms`,
    );
    this.fail = this.db.prepare(
      `UPDATE paid_unionid_payments SET status = 'failed', last_errcode = ?, updated_at_ms = ?
       WHERE transaction_id = ? AND status = 'pending'`,
    );
    const transaction = this.db.transaction((batch: Write[]) =>
      batch.map(([run]): [unknown, unknown?] => {
        try {
          return [undefined, run()];
        } catch (error) {
          if (this.db.inTransaction) return [error]; // that statement alone was rolled back
          throw error;
        }
      }),
    );
    this.lookups = new BaselineLookups(
      options.lookups,
      (transactionId, unionid) =>
        this.enqueue(() => {
          const now = Date.now();
          if (this.resolve.run(unionid, now, now, transactionId).changes === 1) {
            this.upsertUnionId.run(unionid, now, transactionId);
          }
        }, noop),
      (transactionId, errcode) =>
        this.enqueue(() => this.fail.run(errcode, Date.now(), transactionId), noop),
    );
    this.commitBatch = (batch) => transaction.immediate(batch);
  }

  /**
   * Checks the notification and queues its insert; `stored` runs once it is committed (at once
   * for a notification that is acknowledged without storing).
   * @throws NotifyRejection
   */
  handle(headers: IncomingHttpHeaders, body: Buffer, stored: StoredCallback): void {
    this.verify(headers, body);
    const envelope = parseJson(body.toString('utf8'), 'body');
    const resource = envelope.resource;
    if (
      !isText(envelope.id) ||
      !isText(envelope.event_type) ||
      !isObject(resource) ||
      !isText(resource.ciphertext) ||
      !isText(resource.nonce) ||
      typeof resource.associated_data !== 'string'
    ) {
      throw new NotifyRejection(400, 'malformed envelope');
    }
    if (resource.algorithm !== 'AEAD_AES_256_GCM') {
      throw new NotifyRejection(400, 'unsupported resource algorithm');
    }
    const tx = parseJson(
      this.decrypt(resource.ciphertext, resource.nonce, resource.associated_data),
      'resource',
    );
    if (tx.mchid !== this.options.mchId) throw new NotifyRejection(400, 'mchid mismatch');
    if (envelope.event_type !== 'TRANSACTION.SUCCESS' || tx.trade_state !== 'SUCCESS') {
      stored();
      return;
    }
    const params = this.insertParams(envelope.id, tx);
    this.enqueue(
      () => this.insert.run(...params).changes,
      (error, changes) => {
        stored(error);
        // A new payment (not a duplicate): look it up, as the app does.
        if (error === undefined && changes === 1)
          this.lookups.schedule(params[0], params[5], params[9]);
      },
    );
  }

  close(): void {
    this.lookups.close();
    this.db.close();
  }

  private verify(headers: IncomingHttpHeaders, body: Buffer): void {
    const timestamp = headers['wechatpay-timestamp'];
    const nonce = headers['wechatpay-nonce'];
    const signature = headers['wechatpay-signature'];
    const serial = headers['wechatpay-serial'];
    if (!isText(timestamp) || !isText(nonce) || !isText(signature) || !isText(serial)) {
      throw new NotifyRejection(400, 'missing Wechatpay-* header');
    }
    const type = headers['wechatpay-signature-type'];
    if (type !== undefined && type !== 'WECHATPAY2-SHA256-RSA2048') {
      throw new NotifyRejection(400, 'unsupported signature type');
    }
    if (!UNIX_SECONDS.test(timestamp)) throw new NotifyRejection(400, 'malformed timestamp');
    if (Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > MAX_SKEW_SECONDS) {
      throw new NotifyRejection(401, 'stale timestamp');
    }
    if (signature.startsWith('WECHATPAY/SIGNTEST/')) throw new NotifyRejection(401, 'probe');
    const key = this.keys.get(serial);
    if (key === undefined) throw new NotifyRejection(401, 'unknown serial');
    const prefix = `${timestamp}\n${nonce}\n`;
    const prefixLength = Buffer.byteLength(prefix);
    const message = Buffer.allocUnsafe(prefixLength + body.length + 1);
    message.write(prefix, 0);
    body.copy(message, prefixLength);
    message[message.length - 1] = NEWLINE;
    let valid: boolean;
    try {
      valid = verify('sha256', message, key, Buffer.from(signature, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) throw new NotifyRejection(401, 'bad signature');
  }

  private decrypt(ciphertext: string, nonce: string, associatedData: string): string {
    const data = Buffer.from(ciphertext, 'base64');
    if (data.length < TAG_LENGTH) throw new NotifyRejection(400, 'decryption failed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.apiV3Key, Buffer.from(nonce, 'utf8'), {
        authTagLength: TAG_LENGTH,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
      return Buffer.concat([
        decipher.update(data.subarray(0, data.length - TAG_LENGTH)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new NotifyRejection(400, 'decryption failed');
    }
  }

  private enqueue(run: Write[0], done: Write[1]): void {
    if (this.pending.push([run, done]) === 1) setImmediate(() => this.flush());
  }

  /** One transaction for everything queued in this turn; answers each after the commit. */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    let outcomes: [unknown, unknown?][];
    try {
      outcomes = this.commitBatch(batch);
    } catch (error) {
      for (const [, done] of batch) done(error ?? new Error('commit failed'));
      return;
    }
    batch.forEach(([, done], i) => done(outcomes[i][0], outcomes[i][1]));
  }

  private insertParams(notificationId: string, tx: Json): InsertParams {
    const payer = tx.payer;
    const amount = tx.amount;
    const successTime = tx.success_time;
    if (
      !isText(notificationId, MAX.notificationId) ||
      !isText(tx.transaction_id, MAX.transactionId) ||
      !isText(tx.out_trade_no, MAX.outTradeNo) ||
      !isText(tx.appid, MAX.appId) ||
      !isText(tx.mchid, MAX.mchId) ||
      !isText(tx.trade_type) ||
      !isText(tx.bank_type) ||
      !isObject(payer) ||
      !isText(payer.openid, MAX.openid) ||
      !isObject(amount) ||
      !Number.isSafeInteger(amount.total) ||
      (amount.total as number) < 0 ||
      typeof successTime !== 'string' ||
      !RFC3339.test(successTime)
    ) {
      throw new NotifyRejection(400, 'invalid transaction');
    }
    const successTimeMs = Date.parse(successTime);
    if (Number.isNaN(successTimeMs)) throw new NotifyRejection(400, 'invalid success_time');
    const currency = typeof amount.currency === 'string' ? amount.currency : 'CNY';
    const now = Date.now();
    return [
      tx.transaction_id,
      notificationId,
      tx.out_trade_no,
      tx.mchid,
      tx.appid,
      payer.openid,
      amount.total as number,
      currency,
      successTimeMs,
      successTimeMs + PAYMENT_WINDOW_MS,
      now,
      now,
      now,
    ];
  }
}

const noop = (): void => undefined;

function parseJson(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isObject(value)) throw new NotifyRejection(400, `${what} is not a JSON object`);
  return value;
}
