# Sourced by count-instructions.sh and profile-instructions.sh (`. bundle-variant.sh <name>`):
# bundles the scenario-9 variant runner once with esbuild into "$work/entry.mjs", which runs
# `node entry.mjs <variant> <n>`: 200,000 warm-up operations of the variant, then n more. Sets
# `root` (the repository) and `work` (a temporary folder, removed on exit by the trap set here).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Under node_modules: the bundle's own imports (xstate, cockatiel) resolve from there, and no linter looks.
mkdir -p "$root/node_modules/.cache"
work="$(mktemp -d "$root/node_modules/.cache/$1.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat > "$work/entry.ts" <<TS
import { ISOLATED, type IsolatedVariant } from '$root/bench/windows/variants.js';
const op = ISOLATED[process.argv[2] as IsolatedVariant]();
for (let i = 0, n = 200_000 + Number(process.argv[3]); i < n; i++) await op();
TS
(cd "$root" && npx esbuild --bundle --platform=node --format=esm --target=node20 --packages=external \
  --log-level=error "$work/entry.ts" --outfile="$work/entry.mjs")
