// Builds the native addons with the node-gyp that npm bundles, against the running Node's own headers (--nodedir:
// nothing is downloaded): SO_ORIGINAL_DST (transparent interception) and the opaque TCP relay. Linux only. A failed
// build never fails the proxy's build: it says why, loudly, and the proxy then runs with interception off and the
// JS relay (it logs both at start).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const warn = (msg) => console.error(`signalbox-proxy native: ${msg}`);
const without = '--intercept will be unavailable and opaque TCP will use the JS relay';

function nodeGyp() {
  // npm sets npm_config_node_gyp for every script it runs; outside npm, the one beside npm itself.
  const candidates = [
    process.env.npm_config_node_gyp,
    path.resolve(process.execPath, '../../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally: fine
  }
  return candidates.find((p) => p && existsSync(p));
}

function main() {
  if (process.platform !== 'linux') return warn(`skipped on ${process.platform}: SO_ORIGINAL_DST and epoll are Linux's`);
  if (process.env.SIGNALBOX_SKIP_NATIVE === '1') return warn(`skipped (SIGNALBOX_SKIP_NATIVE=1): ${without}`);
  const gyp = nodeGyp();
  if (!gyp) return warn(`node-gyp not found (npm bundles it): ${without}`);
  const args = [gyp, 'rebuild', '--loglevel=warn'];
  // The running Node's headers (include/node/node_api.h beside bin/node): no download.
  const prefix = path.resolve(process.execPath, '../..');
  if (existsSync(path.join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit' });
  if (r.status !== 0)
    return warn(`node-gyp rebuild failed (exit ${r.status ?? r.signal}; needs python3, make and a C compiler): ${without}`);
  console.error('signalbox-proxy native: built native/build/Release/original_dst.node and relay.node');
}

main();
