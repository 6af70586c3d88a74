#!/usr/bin/env node
// Builds the four libraries as npm packages and packs them into dist/packages/*.tgz.
//
//   node scripts/pack.mjs              build, check and pack every library
//   node scripts/pack.mjs --no-pack    build and check only (libs/*/dist)
//
// Each library compiles with its own libs/<lib>/tsconfig.build.json into libs/<lib>/dist
// (CommonJS, .d.ts, no source maps). Inside the repository the libraries import each other as
// `@app/<lib>`; the build resolves those imports to the sibling's compiled declarations (so they
// stay external) and then rewrites the specifiers to the published package names, in the .js and
// the .d.ts alike. The checks afterwards refuse a package that still names `@app/...`, references a
// source map, loads a package its manifest does not declare, lacks a file its `exports`/`bin`
// point at, or whose cross-package peer range does not admit the sibling's version.
import { execFileSync, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'packages');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** In build order: a library comes after the libraries it imports. */
const LIBS = [
  { dir: 'wechat-sandbox', alias: '@app/wechat-sandbox' },
  { dir: 'wechat-auth', alias: '@app/wechat-auth' },
  { dir: 'wechatpay-notify', alias: '@app/wechatpay-notify' },
  {
    dir: 'paid-unionid-capture',
    alias: '@app/paid-unionid-capture',
    after: ['wechat-auth', 'wechatpay-notify'],
  },
];

const manifestOf = (lib) =>
  JSON.parse(readFileSync(join(root, 'libs', lib.dir, 'package.json'), 'utf8'));
const packageNames = new Map(LIBS.map((lib) => [lib.alias, manifestOf(lib).name]));

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      ...options,
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** `@app/<lib>` -> the package name, in require(), import/export ... from and import(). */
function rewriteSpecifiers(lib) {
  const specifier = /(["'])(@app\/[a-z-]+)(\/[^"']*)?\1/g;
  for (const file of filesUnder(join(root, 'libs', lib.dir, 'dist'))) {
    if (!/\.(js|d\.ts)$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(specifier, (match, quote, alias, subpath) => {
      const name = packageNames.get(alias);
      if (name === undefined || subpath !== undefined) {
        throw new Error(`${relative(root, file)}: ${match} has no published equivalent`);
      }
      return `${quote}${name}${quote}`;
    });
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

async function build(lib) {
  const dist = join(root, 'libs', lib.dir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  await run(process.execPath, [tsc, '-p', join('libs', lib.dir, 'tsconfig.build.json')]);
}

/** Every path a manifest's `exports`, `main`, `types` and `bin` name. */
function entryPaths(manifest) {
  const paths = [manifest.main, manifest.types];
  const walk = (value) => {
    if (typeof value === 'string') paths.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return paths.filter(Boolean);
}

function check(lib) {
  const libDir = join(root, 'libs', lib.dir);
  const manifest = manifestOf(lib);
  const problems = [];
  for (const file of filesUnder(join(libDir, 'dist'))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(root, file);
    if (/["']@app\//.test(text)) problems.push(`${where} still imports @app/...`);
    if (text.includes('sourceMappingURL')) problems.push(`${where} references a source map`);
    if (file.endsWith('.d.ts') && /\/\/\/\s*<reference types=/.test(text)) {
      problems.push(`${where} references ambient types (a consumer would need them)`);
    }
  }
  // Every package the compiled code loads must be declared, or a consumer's install lacks it.
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  // The same for the declarations (a `@types/...` package counts for its module).
  const loads =
    /\b(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)|\bfrom\s+["']([^"'.][^"']*)["']/g;
  for (const file of filesUnder(join(libDir, 'dist'))) {
    const declaration = file.endsWith('.d.ts');
    for (const [, call, from] of readFileSync(file, 'utf8').matchAll(loads)) {
      const specifier = call ?? from;
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const name = specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
      const types = `@types/${name.replace(/^@(.*)\//, '$1__')}`;
      if (!declared.has(name) && !(declaration && declared.has(types))) {
        problems.push(
          `${relative(root, file)} loads ${name}, which ${manifest.name} does not declare`,
        );
      }
    }
  }
  for (const path of entryPaths(manifest)) {
    if (!existsSync(join(libDir, path))) problems.push(`${manifest.name}: ${path} does not exist`);
  }
  for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
    const sibling = LIBS.find((other) => packageNames.get(other.alias) === peer);
    if (sibling === undefined) continue;
    const { version } = manifestOf(sibling);
    // Our own ranges are `^x.y.z`: within the same minor for 0.x, the same major otherwise.
    const [major, minor] = version.split('.').map(Number);
    const base = range.replace(/^\^/, '').split('.').map(Number);
    const admits = base[0] === major && (major > 0 || base[1] === minor);
    if (!admits) problems.push(`${manifest.name}: peer ${peer}@${range} does not admit ${version}`);
  }
  if (problems.length > 0) throw new Error(`package check failed:\n  ${problems.join('\n  ')}`);
}

function pack(lib) {
  const libDir = join(root, 'libs', lib.dir);
  const output = execFileSync(
    'npm',
    ['pack', '--json', '--pack-destination', outDir, '--ignore-scripts'],
    { cwd: libDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [{ filename, size, entryCount }] = JSON.parse(output);
  return { filename, size, entryCount };
}

const started = Date.now();
const packing = !process.argv.includes('--no-pack');
const inFlight = new Map();
const finished = new Set();
// At most two compilers at once (2-core CI machines); a library waits for those it imports.
const queue = [...LIBS];
async function worker() {
  while (queue.length > 0) {
    const index = queue.findIndex((lib) => (lib.after ?? []).every((dir) => finished.has(dir)));
    if (index < 0) {
      await Promise.all(inFlight.values());
      continue;
    }
    const [lib] = queue.splice(index, 1);
    const done = build(lib).then(() => {
      rewriteSpecifiers(lib);
      finished.add(lib.dir);
    });
    inFlight.set(lib.dir, done);
    await done;
  }
}
await Promise.all([worker(), worker()]);
LIBS.forEach(check);

if (packing) {
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) {
    if (name.endsWith('.tgz')) rmSync(join(outDir, name));
  }
  for (const lib of LIBS) {
    const { filename, size, entryCount } = pack(lib);
    console.log(
      `${relative(root, join(outDir, filename))}  ${entryCount} files, ${(size / 1024).toFixed(1)} KiB`,
    );
  }
}
console.log(
  `${packing ? 'packed' : 'built'} ${LIBS.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
