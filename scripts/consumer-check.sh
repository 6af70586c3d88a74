#!/usr/bin/env bash
# Consumer check: what a Nest team gets from the four tarballs, outside this repository.
#
# Packs the libraries (scripts/pack.mjs), then for Nest 11, Nest 10 and Nest 12 creates a fresh
# application in a temp dir (mktemp, never inside the repository), `npm install`s the tarballs plus
# the Nest packages from the registry (nothing from the monorepo), compiles scripts/consumer/src
# with tsc (strict, skipLibCheck false), and runs the flow on Express and on Fastify: start the
# sandbox with its `wechat-sandbox` command, start the app, post a notification built and signed
# with the sandbox's builder, wait until the capture's onResolved reports the payer's unionid.
# Fails on any npm peer-dependency warning (ERESOLVE, "peer ...").
#
#   bash scripts/consumer-check.sh            all three Nest majors
#   CONSUMER_CHECK_VARIANTS="nest11" bash scripts/consumer-check.sh
#   CONSUMER_CHECK_KEEP=1 ...                 keep the temp apps (their path is printed)
#
# Speed: npm runs with --prefer-offline on a cache of its own (CONSUMER_CHECK_CACHE, default
# ~/.cache/wxpay-unionid/consumer-check-npm) shared by every app and run. better-sqlite3 has no
# prebuilt binary reachable here (its prebuild-install downloads from GitHub), so the first install
# compiles it (~75 s); the binary is then put where prebuild-install looks for a cached download
# (<cache>/_prebuilds/, under the name it computes itself), and every later install unpacks it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
started=$SECONDS
cache=${CONSUMER_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wxpay-unionid/consumer-check-npm}
variants=${CONSUMER_CHECK_VARIANTS:-nest11 nest10 nest12}
work=$(mktemp -d "${TMPDIR:-/tmp}/wxpay-unionid-consumer.XXXXXX")
case "$work/" in
  "$root"/*)
    echo "consumer-check: the temp dir $work is inside the repository" >&2
    exit 1
    ;;
esac
cleanup() {
  if [ -n "${CONSUMER_CHECK_KEEP:-}" ]; then echo "consumer-check: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
# When started through `npm run`, npm's own settings for this repository must not leak into the
# fresh applications' installs.
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(npm_\(config\|package\)_[A-Za-z0-9_]*\)=.*/\1/p')

elapsed() { echo "$((SECONDS - $1)) s"; }

# The Nest packages each variant installs from the registry (next to the four tarballs).
deps_for() {
  local common=(axios@^1 class-transformer@^0.5 rxjs@^7 typeorm@^1 better-sqlite3@^12 typescript@~5.9 @types/node@^20)
  case "$1" in
    nest11) echo "@nestjs/common@^11 @nestjs/core@^11 @nestjs/platform-express@^11 @nestjs/platform-fastify@^11 @nestjs/axios@^4 class-validator@^0.15 reflect-metadata@^0.2 ${common[*]}" ;;
    # The oldest peers we admit: Nest 10, @nestjs/axios 3, class-validator 0.14, reflect-metadata 0.1.
    nest10) echo "@nestjs/common@^10 @nestjs/core@^10 @nestjs/platform-express@^10 @nestjs/platform-fastify@^10 @nestjs/axios@^3 class-validator@~0.14 reflect-metadata@^0.1.13 ${common[*]}" ;;
    # Nest 12 is ESM-only; our CommonJS build loads it through require(esm) (Node >= 20.19).
    nest12) echo "@nestjs/common@^12 @nestjs/core@^12 @nestjs/platform-express@^12 @nestjs/platform-fastify@^12 @nestjs/axios@^12 class-validator@^0.15 reflect-metadata@^0.2 ${common[*]}" ;;
    *) return 1 ;;
  esac
}
# Nest 10 starters compile with "module": "commonjs" (node10 resolution: `types`/`typesVersions`);
# Nest 11 and 12 with "nodenext" (the `exports` map).
tsconfig_for() { [ "$1" = nest10 ] && echo tsconfig.node10.json || echo tsconfig.json; }

# Puts the better-sqlite3 binary compiled by an install where prebuild-install looks for a cached
# download, so that the next install unpacks it instead of compiling again.
seed_prebuild() {
  local pkg="$1/node_modules/better-sqlite3"
  [ -f "$pkg/build/Release/better_sqlite3.node" ] && [ -d "$1/node_modules/prebuild-install" ] || return 0
  local target
  target=$(cd "$pkg" && npm_config_cache="$cache" node -e '
    const pkg = require("./package.json");
    const rc = require("prebuild-install/rc")(pkg);
    const util = require("prebuild-install/util");
    process.stdout.write(util.cachedPrebuild(util.getDownloadUrl({ ...rc, pkg })));')
  if [ ! -f "$target" ]; then
    mkdir -p "$(dirname "$target")"
    tar -czf "$target.tmp" -C "$pkg" build/Release/better_sqlite3.node && mv "$target.tmp" "$target"
    echo "   cached the compiled better-sqlite3 binary for the next installs: $target"
  fi
}

install_variant() {
  local variant=$1 app="$work/$1"
  echo "== $variant: fresh application in $app"
  mkdir -p "$app/data"
  cp -R "$root/scripts/consumer/src" "$root/scripts/consumer/tsconfig.json" "$root/scripts/consumer/tsconfig.node10.json" "$app/"
  printf '{\n  "name": "consumer-%s",\n  "version": "1.0.0",\n  "private": true\n}\n' "$variant" >"$app/package.json"

  local t1=$SECONDS deps
  deps=$(deps_for "$variant")
  # shellcheck disable=SC2086 # $deps is a list of package specs
  if ! (cd "$app" && npm install --prefer-offline --no-audit --no-fund --cache "$cache" \
    "${tarballs[@]}" $deps >"$app/install.log" 2>&1); then
    tail -n 40 "$app/install.log"
    echo "consumer-check: npm install failed ($variant)" >&2
    return 1
  fi
  if grep -iE '^npm (warn|err).*(peer|ERESOLVE|conflicting)' "$app/install.log"; then
    echo "consumer-check: npm install printed peer-dependency warnings ($variant)" >&2
    return 1
  fi
  # Reported, not failed: e.g. Nest 12's own dependencies ask for Node 22.
  grep -E "^npm warn EBADENGINE +(package|required):" "$app/install.log" |
    sed -e "s/.*package: '\(.*\)',/   note: npm warns EBADENGINE: \1/" -e "s/.*required: { node: '\(.*\)' },/     wants node \1/" || true
  echo "   npm install: $(elapsed "$t1") ($(cd "$app" && node -p 'const v = (n) => require(`./node_modules/${n}/package.json`).version;
    ["@nestjs/core", "@nestjs/axios", "@nestjs/platform-express", "@nestjs/platform-fastify", "class-validator", "reflect-metadata", "typeorm", "better-sqlite3", "typescript"].map((n) => `${n} ${v(n)}`).join(", ")'))"
  seed_prebuild "$app"
}

compile_and_run() {
  local variant=$1 app="$work/$1"
  local t2=$SECONDS
  (cd "$app" && node_modules/.bin/tsc -p "$(tsconfig_for "$variant")")
  echo "   tsc -p $(tsconfig_for "$variant") (strict, skipLibCheck false): $(elapsed "$t2")"

  local platform
  for platform in express fastify; do
    (cd "$app" && node dist/flow.js "$platform" "sqlite:$app/data/$platform.sqlite")
  done
}

selected=()
for variant in $variants; do
  deps_for "$variant" >/dev/null || {
    echo "consumer-check: unknown variant $variant (nest10, nest11, nest12)" >&2
    exit 1
  }
  if [ "$variant" = nest12 ] && [ "$(node -p 'Boolean(process.features.require_module)')" != true ]; then
    echo "== nest12: skipped, this Node ($(node -v)) cannot require() ES modules (needs >= 20.19)"
    continue
  fi
  selected+=("$variant")
done

echo "== pack"
node "$root/scripts/pack.mjs"
tarballs=("$root"/dist/packages/*.tgz)
if [ "${#tarballs[@]}" -ne 4 ]; then
  echo "consumer-check: expected 4 tarballs in dist/packages, found ${#tarballs[@]}" >&2
  exit 1
fi

# The first install runs alone: on a cold cache it compiles better-sqlite3 and caches the binary.
# Then that app's compile and flows, and the other apps (install, compile, flows), run side by
# side, each into its own log, printed in order.
first=${selected[0]}
install_variant "$first"
pids=()
for variant in "${selected[@]}"; do
  if [ "$variant" = "$first" ]; then
    (compile_and_run "$variant") >"$work/$variant.log" 2>&1 &
  else
    (install_variant "$variant" && compile_and_run "$variant") >"$work/$variant.log" 2>&1 &
  fi
  pids+=($!)
done
failed=()
for i in "${!selected[@]}"; do
  status=0
  wait "${pids[$i]}" || status=$?
  cat "$work/${selected[$i]}.log"
  [ "$status" -eq 0 ] || failed+=("${selected[$i]}")
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "consumer-check: FAILED for ${failed[*]}" >&2
  exit 1
fi

cleanup
trap - EXIT
echo "consumer check passed (${selected[*]}: Express and Fastify each) in $(elapsed "$started")"
