import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PLATFORM_CERTIFICATE_PEM } from './test-certificate.fixture';

/** Temporary PEM files for config specs; call `remove()` in afterAll. */
export interface EnvFiles {
  readonly dir: string;
  readonly publicKeyFile: string;
  readonly publicKeyPem: string;
  readonly privateKeyFile: string;
  readonly certificateFile: string;
  /** Writes `content` into a new file of the temp dir and returns its path. */
  write(name: string, content: string): string;
  remove(): void;
}

/** Creates a fresh RSA public key file, its private key file and a certificate file. */
export function createEnvFiles(): EnvFiles {
  const dir = mkdtempSync(join(tmpdir(), 'payment-notify-config-'));
  const write = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    dir,
    publicKeyPem,
    publicKeyFile: write('pub_key.pem', publicKeyPem),
    privateKeyFile: write(
      'apiclient_key.pem',
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ),
    certificateFile: write('platform_cert.pem', TEST_PLATFORM_CERTIFICATE_PEM),
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
