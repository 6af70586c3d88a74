import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const json = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>;

describe('supply chain', () => {
  it('turns off install-time analytics of every locked package that has them', () => {
    const lockedPackages = Object.keys(json('package-lock.json').packages as object);
    const manifest = json('package.json') as { scarfSettings?: { enabled?: boolean } };
    // @scarf/scarf (through @nestjs/swagger -> swagger-ui-dist) reports installs unless told not to.
    if (lockedPackages.some((path) => path.endsWith('node_modules/@scarf/scarf'))) {
      expect(manifest.scarfSettings?.enabled).toBe(false);
    }
  });

  it('pins every dependency to an exact version', () => {
    const manifest = json('package.json') as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        expect([name, range]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
      }
    }
  });
});
