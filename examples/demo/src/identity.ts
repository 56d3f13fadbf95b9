// The demo's identity setup, per run: the control plane generates its CA into `<run dir>/identity` on first start,
// and each pod gets a random token in `<run dir>/tokens/<pod>.token` (0600) that the registry names, so the control
// plane can check it and the pod's proxy can present it on certify.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DemoPod } from './topology.js';

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
