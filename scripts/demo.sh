#!/usr/bin/env bash
# `make demo`: builds the package and the emulator, then serves the API, the demo page and the
# package on one origin until Ctrl-C. PORT=… picks another port (default 8787).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
port=${PORT:-8787}

bash scripts/pkg.sh
cargo build --release -p qcloud-cdn-emulator

cat <<EOT

  Demo page:   http://127.0.0.1:$port/
  API 2.0:     http://127.0.0.1:$port/v2/index.php   (RefreshCdnDir, emulated)
  API 3.0:     http://127.0.0.1:$port/               (PurgePathCache, emulated; config.api "v3")
  Purge log:   http://127.0.0.1:$port/_emulator/purges
  Account:     secretId AKIDdemo0emulator0account0000000000
               secretKey demo-secret-key-for-the-local-emulator   (owns www.test.com, example.com)

  From another terminal, in this folder:
  node --input-type=module -e 'import { refreshCdnDir } from "./pkg/node.mjs"; console.log(await refreshCdnDir({ secretId: "AKIDdemo0emulator0account0000000000", secretKey: "demo-secret-key-for-the-local-emulator", endpoint: "http://127.0.0.1:$port/v2/index.php" }, ["https://www.test.com/static/"]))'

EOT
exec target/release/qcloud-cdn-emulator --port "$port" --www www --pkg pkg
