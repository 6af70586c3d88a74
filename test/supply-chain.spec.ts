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

  it('installs one Fastify: the override under @nestjs/platform-fastify is the direct dependency', () => {
    const manifest = json('package.json') as Record<string, Record<string, string> | undefined>;
    const lock = json('package-lock.json') as { packages: Record<string, { version?: string }> };
    const fastify = manifest.dependencies?.fastify;
    expect(manifest.overrides?.fastify).toBe(fastify);
    const copies = Object.entries(lock.packages).filter(([path]) =>
      path.endsWith('node_modules/fastify'),
    );
    expect(copies).toEqual([
      ['node_modules/fastify', expect.objectContaining({ version: fastify })],
    ]);
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
