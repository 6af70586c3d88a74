import { X509Certificate, createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/** What a `*_FILE` variable must hold. */
export type PemFileKind = 'public-key' | 'certificates';

/** The PEM text found in a file, or why the file is unusable (never its content). */
export type PemFileReadResult =
  { readonly ok: true; readonly pem: string } | { readonly ok: false; readonly problem: string };

/** PEM files are a few KiB; anything much larger is the wrong file. */
const MAX_PEM_FILE_BYTES = 1024 * 1024;

const BLOCK_PATTERNS: Record<PemFileKind, RegExp> = {
  'public-key': /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g,
  certificates: /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
};

/**
 * Reads a PEM file and keeps only the blocks of the wanted kind, each checked by node:crypto.
 * Keeping only those blocks means a file that also holds a private key never puts it in the config.
 * A problem text starts lower-case so that callers can prefix the variable name.
 */
export function readPemFile(path: string, kind: PemFileKind): PemFileReadResult {
  let text: string;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return fail('must name a regular file');
    if (stats.size > MAX_PEM_FILE_BYTES) return fail('must name a PEM file of at most 1 MiB');
    text = readFileSync(path, 'utf8');
  } catch {
    return fail('must name an existing, readable file');
  }
  const blocks = text.match(BLOCK_PATTERNS[kind]) ?? [];
  if (kind === 'public-key') {
    if (blocks.length !== 1) {
      return fail('must name a file holding exactly one PEM public key (BEGIN PUBLIC KEY)');
    }
    try {
      createPublicKey({ key: blocks[0], format: 'pem' });
    } catch {
      return fail('must name a file holding a valid PEM public key');
    }
  } else {
    if (blocks.length === 0) {
      return fail('must name a file holding PEM certificates (BEGIN CERTIFICATE)');
    }
    try {
      blocks.forEach((block) => new X509Certificate(block));
    } catch {
      return fail('must name a file holding only valid PEM certificates');
    }
  }
  return { ok: true, pem: `${blocks.join('\n')}\n` };
}

function fail(problem: string): PemFileReadResult {
  return { ok: false, problem };
}
