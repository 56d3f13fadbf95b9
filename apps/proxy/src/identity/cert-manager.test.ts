// The cert manager under an injected clock: first certificate, renewal at 70 %, the old certificate kept while the
// identity service is down (backoff retries), and answers it must refuse. Certificates come from the real CA code.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkCsr, identityDirPaths, initIdentityDir, issueLeaf, loadIssuer, type Issuer } from '@signalbox/api';
import { eventually } from '@signalbox/launch';
import type { CertifyRequest, CertifyResponse } from '@signalbox/shared';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertifyError, type CertifyClient } from './certify-client.js';
import { createCertManager, type Clock } from './cert-manager.js';
import { createIdentityMetrics } from './metrics.js';

const identity = 'books.demo.serviceaccount.identity.signalbox.cluster.local';
let issuer: Issuer;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-cm-'));
  await initIdentityDir(dir);
  issuer = await loadIssuer(identityDirPaths(dir));
});

/** Timers that run only when the test advances time. */
// Whole seconds: certificate times have second precision, so the expected delays come out exact.
function fakeClock(start = Math.ceil(Date.now() / 1000) * 1000) {
  let now = start;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.push({ at: now + ms, fn, id: ++ids });
      return ids;
    },
    clearTimeout: (h) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  return {
    clock,
    /** Delay of the one pending timer. */
    pending: () => timers.map((t) => t.at - now),
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
  };
}

/**
 * A certify client over the real CA code, issuing 20 s leaves at the fake clock's time (`issuedAgoMs` before it);
 * `down` makes it fail.
 */
function caClient(clock: Clock, { lifetimeMs = 20_000, issuedAgoMs = 0, as = (name: string) => name } = {}) {
  const state = { down: false, calls: 0 };
  const client: CertifyClient = {
    async certify(req: CertifyRequest): Promise<CertifyResponse> {
      state.calls += 1;
      if (state.down) throw new CertifyError('SB_IDENTITY_UNAVAILABLE', 'identity service unreachable: ECONNREFUSED');
      const checked = await checkCsr(req.csr, req.identity);
      if (!checked.ok) throw new CertifyError('SB_IDENTITY_NAME_MISMATCH', checked.message, 403);
      const leaf = await issueLeaf(issuer, { identity: as(req.identity), publicKey: checked.publicKey, now: new Date(clock.now() - issuedAgoMs), lifetimeMs });
      return { leafCertificate: `${leaf.toString('pem')}\n`, intermediateCertificates: [issuer.certPem], trustAnchors: issuer.trustAnchorsPem, validUntil: leaf.notAfter.toISOString() };
    },
    trustAnchors: async () => issuer.trustAnchorsPem,
  };
  return { client, state };
}

describe('createCertManager', () => {
  it('gets a first certificate, exposes it (no key in status), counts it, and renews at 70 %', async () => {
    const t = fakeClock();
    const { client, state } = caClient(t.clock);
    const registry = new Registry();
    const manager = createCertManager({ identity, token: () => 'tok', client, clock: t.clock, random: () => 0.5, metrics: createIdentityMetrics(registry) });
    const first = await manager.ready;
    expect(first.identity).toBe(identity);
    expect(first.keyPem).toMatch(/BEGIN PRIVATE KEY/);
    expect(JSON.stringify(manager.status())).not.toMatch(/PRIVATE KEY/);
    expect(manager.status()).toMatchObject({ identity, ready: true, refreshCount: 1, lastError: null });
    expect(manager.status().notAfter).toBe(first.notAfter.toISOString());
    expect(t.pending()).toEqual([14_000]);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(new RegExp(`^identity_cert_expiration_timestamp_seconds ${first.notAfter.getTime() / 1000}$`, 'm'));
    expect(metrics).toMatch(/^identity_cert_refresh_count 1$/m);

    const changes: Date[] = [];
    manager.onChange((m) => changes.push(m.notAfter));
    t.advance(14_000);
    await eventually(() => expect(manager.status().refreshCount).toBe(2));
    expect(state.calls).toBe(2);
    expect(changes).toHaveLength(1);
    expect(manager.current()?.notAfter.getTime()).toBe(first.notAfter.getTime() + 14_000);
    // Renewal keeps the key: connections and contexts see one key for the process's life.
    expect(manager.current()?.keyPem).toBe(first.keyPem);
    expect(await registry.metrics()).toMatch(/^identity_cert_refresh_count 2$/m);
    manager.close();
  });

  it('keeps the current certificate while the identity service is down, retrying with backoff, then renews', async () => {
    const t = fakeClock();
    const { client, state } = caClient(t.clock);
    const manager = createCertManager({ identity, token: () => 'tok', client, clock: t.clock, random: () => 0.5 });
    const first = await manager.ready;
    state.down = true;
    t.advance(14_000);
    await eventually(() => expect(manager.status().lastError).toMatch(/SB_IDENTITY_UNAVAILABLE/));
    expect(manager.current()).toBe(first);
    expect(t.pending()).toEqual([1000]);
    t.advance(1000);
    await eventually(() => expect(t.pending()).toEqual([2000]));
    t.advance(2000);
    await eventually(() => expect(t.pending()).toEqual([4000]));
    expect(manager.current()).toBe(first);
    expect(state.calls).toBe(4);

    state.down = false;
    t.advance(4000);
    await eventually(() => expect(manager.status()).toMatchObject({ refreshCount: 2, lastError: null }));
    expect(manager.current()).not.toBe(first);
    expect(t.pending()).toEqual([14_000]);
    manager.close();
  });

  it('refuses a certificate for another identity and keeps retrying; ready waits', async () => {
    const t = fakeClock();
    const { client } = caClient(t.clock, { as: () => 'web.demo.serviceaccount.identity.signalbox.cluster.local' });
    const manager = createCertManager({ identity, token: () => 'tok', client, clock: t.clock, random: () => 0.5 });
    await eventually(() => expect(manager.status().lastError).toMatch(/names DNS:web\.demo.*not books\.demo/));
    expect(manager.current()).toBeUndefined();
    expect(manager.status()).toMatchObject({ ready: false, chain: [], notAfter: null });
    expect(t.pending()).toEqual([1000]);
    manager.close();
  });

  it('refuses a certificate that has already expired, naming when', async () => {
    const t = fakeClock();
    const { client } = caClient(t.clock, { issuedAgoMs: 60_000 });
    const manager = createCertManager({ identity, token: () => 'tok', client, clock: t.clock, random: () => 0.5 });
    const expiredAt = new Date(t.clock.now() - 40_000).toISOString();
    await eventually(() => expect(manager.status().lastError).toBe(`SB_IDENTITY_BAD_CERTIFICATE: the issued certificate expired at ${expiredAt}`));
    expect(manager.current()).toBeUndefined();
    manager.close();
  });

  it('refuses a chain that does not lead to the configured trust anchor', async () => {
    const t = fakeClock();
    const { client } = caClient(t.clock);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-cm-other-'));
    await initIdentityDir(dir);
    const other = await loadIssuer(identityDirPaths(dir));
    const manager = createCertManager({ identity, token: () => 'tok', client, clock: t.clock, trustAnchorsPem: other.trustAnchorsPem });
    await eventually(() => expect(manager.status().lastError).toMatch(/does not lead to a trust anchor/));
    expect(manager.current()).toBeUndefined();
    manager.close();
  });
});
