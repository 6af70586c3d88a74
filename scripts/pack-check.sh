#!/usr/bin/env bash
# Builds libs/wechat-auth as a standalone package, packs it with npm pack, installs the tarball
# into a scratch folder and loads it by its package name: proves the published entry works
# without the monorepo's path aliases.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lib="$root/libs/wechat-auth"
rm -rf "$lib/dist"
npx tsc -p "$lib/tsconfig.build.json"
scratch="$root/.pack-check"
rm -rf "$scratch" && mkdir -p "$scratch/node_modules"
tarball=$(cd "$lib" && npm pack --silent --pack-destination "$scratch")
name=$(node -p "require('$lib/package.json').name")
mkdir -p "$scratch/node_modules/$name"
tar -xzf "$scratch/$tarball" -C "$scratch/node_modules/$name" --strip-components=1
# Peers resolve from the repository's node_modules (one level up), the package itself only by name.
cp "$root/scripts/pack-check.cjs" "$scratch/check.cjs"
(cd "$scratch" && node check.cjs "$name")
