import type { AppConfig } from '../config';
import { maskOpenIds } from './openid-mask';

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
 * inspected objects), a URL's password and a bearer token (private keys: `maskPrivateKeys`).
 *
 * Every pattern is linear in the line's length, whatever the line holds (request lines carry
 * caller-chosen text, before any authentication): each starts at a literal, its repeats are
 * bounded or run over characters that cannot start the next try, and nothing unbounded is
 * followed by something that can fail and send it back over the same characters. No masked run
 * crosses a `"` or splits a `\` escape, so a JSON line stays JSON.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [new RegExp(`\\b(${SECRET_KEYS})=[^&\\s"'\\\\]+`, 'gi'), `$1=${MASK}`],
  [
    new RegExp(`(\\\\?"(?:${SECRET_KEYS})\\\\?"\\s{0,8}:\\s{0,8}\\\\?")[^"\\\\]*`, 'gi'),
    `$1${MASK}`,
  ],
  [new RegExp(`\\b((?:${SECRET_KEYS})\\s{0,8}:\\s{0,8}')[^'"\\\\]*`, 'gi'), `$1${MASK}`],
  // From the literal `://`, not from a scheme (which re-scanned an `a.a.a` run from each of its
  // letters). `(?=(x+))\1` takes a run whole and never gives it back, and the runs stop at `/`.
  [/:\/\/(?=([^\s:@/"\\]*))\1:(?=([^\s@/"\\]+))\2@/g, `://$1:${MASK}@`],
  [/\b(bearer\s{1,8})[\w.~+/-]+=*/gi, `$1${MASK}`],
];

const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z ]{0,32}PRIVATE KEY-----/g;
const PRIVATE_KEY_END = /-----END [A-Z ]{0,32}PRIVATE KEY-----/y;

/** One pass that finds whether any pattern can match; most lines then need nothing more. */
const MAY_HOLD_SECRET = new RegExp(`${SECRET_KEYS}|bearer|private key|:\\/\\/`, 'i');

/**
 * A censor for log output: masks the known secret values (`secrets`, e.g. the AppSecret and the
 * APIv3 key) and every secret-shaped fragment (access tokens in URLs or JSON, URL passwords,
 * private keys), and shortens the openids of logged URLs (see `maskOpenIds`). Used by both log
 * formats, so what is hidden is decided here only. Its cost grows linearly with the text.
 */
export function createSecretCensor(secrets: Iterable<string | undefined>): SecretCensor {
  const literals = [...new Set(secrets)]
    .filter((value): value is string => !!value && value.length >= MIN_LITERAL_LENGTH)
    // As written in a JSON line too (a password may hold `"` or `\`).
    .flatMap((value) => [value, JSON.stringify(value).slice(1, -1)])
    .filter((value, index, all) => all.indexOf(value) === index)
    // Longest first, so a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let censored = text;
    for (const literal of literals) {
      if (censored.includes(literal)) censored = censored.split(literal).join(MASK);
    }
    if (MAY_HOLD_SECRET.test(censored)) {
      for (const [pattern, replacement] of PATTERNS) {
        censored = censored.replace(pattern, replacement);
      }
      censored = maskPrivateKeys(censored);
    }
    return maskOpenIds(censored);
  };
}

/**
 * `text` with each PEM private key masked from its BEGIN line to its END line or, when it has
 * none (cut short), to the end of the JSON string it sits in, or of the text. A scan, not a
 * pattern: a lazy search for a missing END went to the end of the text from every BEGIN (and
 * a pattern that tracks escapes overflows V8's backtrack stack on long text).
 */
function maskPrivateKeys(text: string): string {
  let masked = '';
  let kept = 0;
  PRIVATE_KEY_BEGIN.lastIndex = 0;
  for (let begin = PRIVATE_KEY_BEGIN.exec(text); begin; begin = PRIVATE_KEY_BEGIN.exec(text)) {
    masked += text.slice(kept, begin.index) + MASK;
    kept = privateKeyEnd(text, PRIVATE_KEY_BEGIN.lastIndex);
    PRIVATE_KEY_BEGIN.lastIndex = kept;
  }
  return kept === 0 ? text : masked + text.slice(kept);
}

/** Index after the END line of the key whose body starts at `from`, or of its closing `"`. */
function privateKeyEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '"') return i;
    if (char === '\\') {
      // An escape pair: `\"` does not close the JSON string.
      i++;
    } else if (char === '-') {
      PRIVATE_KEY_END.lastIndex = i;
      if (PRIVATE_KEY_END.test(text)) return PRIVATE_KEY_END.lastIndex;
    }
  }
  return text.length;
}

/** The secret values of a loaded configuration: AppSecret, APIv3 key, read token, database and Redis passwords. */
export function secretsOf(config: AppConfig): string[] {
  return [
    config.wechat.secret,
    config.wechatPay.apiV3Key,
    config.readApiToken,
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
    env.READ_API_TOKEN,
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
