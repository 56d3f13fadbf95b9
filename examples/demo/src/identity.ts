// The demo's identity setup, per run: the control plane generates its CA into `<run dir>/identity` on first start,
// and each pod gets a random token in `<run dir>/tokens/<pod>.token` (0600) that the registry names, so the control
// plane can check it and the pod's proxy can present it on certify.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { identityDirPaths } from '@signalbox/api';
import { parseHostPort } from '@signalbox/shared';
import { DEMO_NAMESPACE, type DemoPod } from './topology.js';

export const demoIdentityDir = (dir: string): string => path.join(dir, 'identity');

export const demoTokenFile = (dir: string, pod: string): string => path.join(dir, 'tokens', `${pod}.token`);

/** The control plane flags that turn its identity service on for this run. */
export function demoIdentityApiArgs(dir: string): string[] {
  return [`--identity-dir=${demoIdentityDir(dir)}`];
}

/** Writes a fresh token per pod and returns the pods with `identityToken: { file }` set. */
export function withIdentityTokens<P extends DemoPod>(pods: readonly P[], dir: string): P[] {
  mkdirSync(path.join(dir, 'tokens'), { recursive: true, mode: 0o700 });
  return pods.map((p) => {
    const file = demoTokenFile(dir, p.pod.name);
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    return { ...p, pod: { ...p.pod, identityToken: { file } } };
  });
}

/**
 * A pod's proxy flags for mTLS: its identity (serviceaccount + namespace), the token file that proves it, the run's
 * trust anchor (written by the control plane on its first start, before any proxy), and, when the registry says the
 * pod requires identity, its app port.
 */
export function demoProxyIdentityArgs(dir: string, p: DemoPod): string[] {
  const args = [
    `--identity-serviceaccount=${p.pod.serviceAccount}`,
    `--identity-namespace=${DEMO_NAMESPACE}`,
    `--identity-token-file=${demoTokenFile(dir, p.pod.name)}`,
    `--identity-trust-anchors-file=${identityDirPaths(demoIdentityDir(dir)).trustAnchorsFile}`,
  ];
  const port = parseHostPort(p.pod.app)?.port;
  if (p.pod.requireIdentity && port !== undefined) args.push(`--require-identity-ports=${port}`);
  return args;
}
