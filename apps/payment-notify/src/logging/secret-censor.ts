import type { AppConfig } from '../config';

/** Returns `text` with every secret it knows of replaced by `***`. */
export type SecretCensor = (text: string) => string;

const MASK = '***';

/** Literal values shorter than this are not searched for: too likely to hit ordinary words. */
const MIN_LITERAL_LENGTH = 8;

/** Parameter and field names whose value is a secret wherever they appear. */
const SECRET_KEYS = [
  'access_token',
  'authorizer_access_token',
  'component_access_token',
  'cloudbase_access_token',
  'secret',
  'appsecret',
  'app_secret',
  'apiv3_key',
  'api_v3_key',
  'password',
].join('|');

/**
 * The one list of secret shapes, applied to every log line in both formats: `key=value` (URLs,
 * forms), `"key":"value"` (JSON, also escaped inside a JSON string), `key: 'value'` (Nest's
 * inspected objects), a URL's password, a bearer token and a PEM private key.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [new RegExp(`\\b(${SECRET_KEYS})=[^&\\s"'\\\\]+`, 'gi'), `$1=${MASK}`],
  [new RegExp(`(\\\\?"(?:${SECRET_KEYS})\\\\?"\\s*:\\s*\\\\?")[^"\\\\]*`, 'gi'), `$1${MASK}`],
  [new RegExp(`\\b((?:${SECRET_KEYS})\\s*:\\s*')[^']*`, 'gi'), `$1${MASK}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${MASK}@`],
  [/\b(bearer\s+)[\w.~+/-]+=*/gi, `$1${MASK}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, MASK],
];

/** One pass that finds whether any pattern can match; most lines then need nothing more. */
const MAY_HOLD_SECRET = new RegExp(
  `${SECRET_KEYS}|bearer|private key|:\\/\\/[^\\s:@/]*:[^\\s@/]+@`,
  'i',
);

/**
 * A censor for log output: masks the known secret values (`secrets`, e.g. the AppSecret and the
 * APIv3 key) and every secret-shaped fragment (access tokens in URLs or JSON, URL passwords,
 * private keys). Used by both log formats, so what counts as a secret is decided here only.
 */
export function createSecretCensor(secrets: Iterable<string | undefined>): SecretCensor {
  const literals = [...new Set(secrets)]
    .filter((value): value is string => !!value && value.length >= MIN_LITERAL_LENGTH)
    // Longest first, so a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let censored = text;
    for (const literal of literals) {
      if (censored.includes(literal)) censored = censored.split(literal).join(MASK);
    }
    if (!MAY_HOLD_SECRET.test(censored)) return censored;
    for (const [pattern, replacement] of PATTERNS) {
      censored = censored.replace(pattern, replacement);
    }
    return censored;
  };
}

/** The secret values of a loaded configuration: AppSecret, APIv3 key, database and Redis passwords. */
export function secretsOf(config: AppConfig): string[] {
  return [
    config.wechat.secret,
    config.wechatPay.apiV3Key,
    ...urlPasswords(config.database.type === 'postgres' ? config.database.url : undefined),
    ...urlPasswords(config.redisUrl),
  ].filter((value): value is string => value !== undefined);
}

/**
 * The secret values of a raw environment, valid or not: what start-up failures are censored with
 * before a configuration exists.
 */
export function secretsOfEnvironment(env: Record<string, string | undefined>): string[] {
  return [
    env.WECHAT_SECRET,
    env.WECHATPAY_APIV3_KEY,
    ...urlPasswords(env.DATABASE_URL),
    ...urlPasswords(env.REDIS_URL),
  ].filter((value): value is string => value !== undefined);
}

/** A URL's password as written and decoded; none for anything that is not such a URL. */
function urlPasswords(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const { password } = new URL(url);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}
