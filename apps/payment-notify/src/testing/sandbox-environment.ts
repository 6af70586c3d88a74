import {
  TEST_MERCHANT,
  TEST_PLATFORM_CERTIFICATES_PEM,
  TEST_WECHATPAY_PUBLIC_KEY,
  type WechatSandbox,
} from '@app/wechat-sandbox';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The AppSecret the sandbox knows for the test merchant's mini program. TEST ONLY. */
export const SANDBOX_APP_SECRET = '5f0c8a2e9b7d4c1a6e3f0b8d2c5a9e71';

/** `READ_API_TOKEN` of the sandbox environment (the demo's and the specs'). TEST ONLY. */
export const SANDBOX_READ_API_TOKEN = 'sandbox-read-token-7c1e9a4b2d';

/** Headers that open the read routes of an app started with {@link sandboxEnvironment}. */
export const SANDBOX_READ_HEADERS: Readonly<Record<string, string>> = {
  authorization: `Bearer ${SANDBOX_READ_API_TOKEN}`,
};

export interface SandboxEnvironment {
  /** Environment variables for the app, pointing at the sandbox. */
  env: Record<string, string>;
  /** Temp folder holding the key files and the SQLite database. */
  dir: string;
}

/**
 * The app's environment for running against `sandbox` with the test merchant's keys (both
 * verifier modes), a fresh SQLite file and short lookup timings. Used by the e2e specs and the
 * demo; `overrides` wins.
 */
export function sandboxEnvironment(
  sandbox: Pick<WechatSandbox, 'url'>,
  overrides: Record<string, string> = {},
): SandboxEnvironment {
  const dir = mkdtempSync(join(tmpdir(), 'payment-notify-'));
  const publicKeyFile = join(dir, 'wechatpay-public-key.pem');
  const certificatesFile = join(dir, 'wechatpay-platform-certificates.pem');
  writeFileSync(publicKeyFile, TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem);
  writeFileSync(certificatesFile, TEST_PLATFORM_CERTIFICATES_PEM);
  return {
    dir,
    env: {
      PORT: '0',
      WECHAT_APPID: TEST_MERCHANT.appId,
      WECHAT_SECRET: SANDBOX_APP_SECRET,
      WECHAT_API_BASE_URL: sandbox.url,
      WECHAT_TOKEN_MODE: 'stable',
      WECHATPAY_MCHID: TEST_MERCHANT.mchId,
      WECHATPAY_APIV3_KEY: TEST_MERCHANT.apiV3Key,
      WECHATPAY_PUBLIC_KEY_FILE: publicKeyFile,
      WECHATPAY_PUBLIC_KEY_ID: TEST_WECHATPAY_PUBLIC_KEY.id,
      WECHATPAY_PLATFORM_CERT_FILE: certificatesFile,
      DATABASE_URL: `sqlite:${join(dir, 'payment-notify.sqlite')}`,
      LOOKUP_POLL_MS: '100',
      LOOKUP_SLICE_MS: '3000',
      WECHAT_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
      READ_API_TOKEN: SANDBOX_READ_API_TOKEN,
      ...overrides,
    },
  };
}

/** The sandbox app entry matching `sandboxEnvironment`. */
export const SANDBOX_APP = { appId: TEST_MERCHANT.appId, secret: SANDBOX_APP_SECRET };
