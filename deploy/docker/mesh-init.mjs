#!/usr/bin/env node
// One-shot setup of the compose mesh's secrets, run as root in the api image before anything else starts
// (docker-compose service `mesh-init`). Idempotent: what is already there is kept, so a restart keeps the CA and tokens.
//   - the control plane's CA: trust anchor + issuer in $IDENTITY_DIR (0700, owned by the api user), as the api's own
//     --identity-dir would generate it;
//   - the trust anchors alone, world-readable, in $TRUST_DIR/ca.crt: what the proxies get (never the keys);
//   - one token per registry pod, in the file its `identityToken.file` names, and the tap token in $TAP_TOKEN_FILE:
//     mode 0440, owner the proxy UID (2102), group the api GID, so exactly the proxies and the control plane read them.
// Like the launcher's per-run tokens (examples/demo/src/identity.ts), except that in compose every proxy mounts the
// same token volume: a pod's proxy could read another pod's token. Fine for a demo; not a production setup.
import { randomBytes } from 'node:crypto';
import { chownSync, copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { identityDirPaths, initIdentityDir } from '@signalbox/api';

const env = (name, fallback) => process.env[name] || fallback;
const registryFile = env('REGISTRY_FILE', '/etc/signalbox/registry.yaml');
const identityDir = env('IDENTITY_DIR', '/var/lib/signalbox/identity');
const trustDir = env('TRUST_DIR', '/var/run/signalbox/trust');
const tapTokenFile = env('TAP_TOKEN_FILE', '/var/run/signalbox/tokens/tap.token');
const apiUid = Number(env('API_UID', '10001'));
const proxyUid = Number(env('PROXY_UID', '2102'));

const { created } = await initIdentityDir(identityDir);
const paths = identityDirPaths(identityDir);
for (const f of [identityDir, ...Object.values(paths)]) chownSync(f, apiUid, apiUid);
mkdirSync(trustDir, { recursive: true, mode: 0o755 });
copyFileSync(paths.trustAnchorsFile, path.join(trustDir, 'ca.crt'));
chmodSync(path.join(trustDir, 'ca.crt'), 0o444);
console.log(`mesh-init: CA ${created ? 'generated' : 'kept'} in ${identityDir}; trust anchors in ${trustDir}/ca.crt`);

const secret = (file) => {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o440 });
  chownSync(file, proxyUid, apiUid);
  chmodSync(file, 0o440);
};
const registry = parse(readFileSync(registryFile, 'utf8'));
let tokens = 0;
for (const ns of registry.namespaces ?? [])
  for (const pod of ns.pods ?? [])
    if (pod.identityToken?.file) {
      secret(pod.identityToken.file);
      tokens++;
    }
secret(tapTokenFile);
console.log(`mesh-init: ${tokens} pod token(s) and the tap token in place`);
