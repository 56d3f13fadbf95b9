// Demo identity prep: one 0600 token file per pod, named by the registry; the registry still validates.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registrySchema } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { demoIdentityApiArgs, demoTokenFile, withIdentityTokens } from './identity.js';
import { demoPods, demoRegistry } from './topology.js';

describe('withIdentityTokens', () => {
  it('gives every pod its own token file (0600) and a registry reference to it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-demo-id-'));
    let port = 20_000;
    const pods = withIdentityTokens(
      demoPods(() => ({ app: `127.0.0.1:${port++}`, inbound: `127.0.0.1:${port++}`, outbound: `127.0.0.1:${port++}`, admin: `127.0.0.1:${port++}` })),
      dir,
    );
    const tokens = pods.map((p) => {
      expect(p.pod.identityToken).toEqual({ file: demoTokenFile(dir, p.pod.name) });
      expect(statSync(demoTokenFile(dir, p.pod.name)).mode & 0o777).toBe(0o600);
      return readFileSync(demoTokenFile(dir, p.pod.name), 'utf8').trim();
    });
    expect(new Set(tokens).size).toBe(pods.length);
    expect(tokens.every((t) => t.length >= 32)).toBe(true);
    expect(registrySchema.safeParse(demoRegistry(pods)).success).toBe(true);
    expect(demoIdentityApiArgs(dir)).toEqual([`--identity-dir=${path.join(dir, 'identity')}`]);
  });
});
