// `signalbox check` verdicts from gathered facts: CA expiry, scrape coverage and each proxy's certificate.
import { webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCa, identityDirPaths, issueLeaf, loadIssuer, type CheckStatus, type Issuer } from '@signalbox/api';
import type { ProxyIdentityStatus } from '@signalbox/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateChecks, formatChecks, type CheckFacts } from './evaluate.js';

const DAY = 86_400_000;
const booksId = 'books.demo.serviceaccount.identity.signalbox.cluster.local';

async function issuerFor(lifetimeMs = 365 * DAY): Promise<Issuer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-check-'));
  const ca = await generateCa({ lifetimeMs });
  const p = identityDirPaths(dir);
  writeFileSync(p.trustAnchorsFile, ca.trustAnchorPem);
  writeFileSync(p.issuerCertFile, ca.issuerPem);
  writeFileSync(p.issuerKeyFile, ca.issuerKeyPem, { mode: 0o600 });
  return loadIssuer(p);
}

async function proxyStatus(by: Issuer, { identity = booksId, now = new Date(), lifetimeMs = DAY } = {}): Promise<ProxyIdentityStatus> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const leaf = await issueLeaf(by, { identity, publicKey: keys.publicKey, now, lifetimeMs });
  return { identity: booksId, ready: true, notAfter: leaf.notAfter.toISOString(), chain: [leaf.toString('pem'), by.certPem], refreshCount: 1, lastError: null };
}

let issuer: Issuer;
beforeAll(async () => {
  issuer = await issuerFor();
});

const status = (over: Partial<CheckStatus> = {}): CheckStatus => ({
  identity: { trustDomain: 'cluster.local', trustAnchorsPem: issuer.trustAnchorsPem, issuerCertPem: issuer.certPem },
  proxies: [{ namespace: 'demo', pod: 'books-0', deployment: 'books', admin: '127.0.0.1:4191', identity: booksId }],
  prometheus: { reachable: true, up: [{ instance: '127.0.0.1:4191', up: true }] },
  ...over,
});

const facts = (over: Partial<CheckFacts> = {}): CheckFacts => ({
  now: new Date(),
  caExpiryWarningMs: 60 * DAY,
  api: { ok: true },
  status: status(),
  proxies: new Map(),
  ...over,
});

const failed = (f: CheckFacts) => evaluateChecks(f).filter((r) => !r.ok);

describe('evaluateChecks', () => {
  it('all green: CA valid, every proxy scraped, its certificate chains to the anchor', async () => {
    const results = evaluateChecks(facts({ proxies: new Map([['127.0.0.1:4191', await proxyStatus(issuer)]]) }));
    expect(results.map((r) => [r.name.replace(/CN=[^ ]+/, 'CN'), r.ok])).toEqual([
      ['control plane is reachable', true],
      ['trust anchor CN is valid', true],
      ['issuer CN is valid and signed by the trust anchor', true],
      ['Prometheus is reachable', true],
      ['Prometheus scrapes every proxy', true],
      ['proxy demo/books-0 has a certificate for its identity', true],
    ]);
    expect(formatChecks(results)).toMatch(/^✔ control plane is reachable$/m);
    expect(formatChecks(results)).toMatch(/Status check results are ✔\n$/);
  });

  it('an unreachable control plane stops the checks there', () => {
    expect(evaluateChecks(facts({ api: { ok: false, error: 'cannot reach http://x: ECONNREFUSED' }, status: null }))).toEqual([
      { name: 'control plane is reachable', ok: false, detail: 'cannot reach http://x: ECONNREFUSED' },
    ]);
  });

  it('a CA expiring within the warning window fails, naming the days left', async () => {
    const soon = await issuerFor(30 * DAY);
    const f = facts({ status: status({ identity: { trustDomain: 'cluster.local', trustAnchorsPem: soon.trustAnchorsPem, issuerCertPem: soon.certPem } }), proxies: new Map([['127.0.0.1:4191', await proxyStatus(soon)]]) });
    expect(failed(f).map((r) => r.detail)).toEqual([expect.stringMatching(/^expires in 29 days/), expect.stringMatching(/^expires in 29 days/)]);
    expect(failed({ ...f, caExpiryWarningMs: 7 * DAY })).toEqual([]);
  });

  it.each<[string, () => Promise<Partial<CheckFacts>>, RegExp]>([
    ['a proxy not scraped', async () => ({ status: status({ prometheus: { reachable: true, up: [] } }), proxies: new Map([['127.0.0.1:4191', await proxyStatus(issuer)]]) }), /not scraped: demo\/books-0 \(not a target\)/],
    ['Prometheus down', async () => ({ status: status({ prometheus: { reachable: false, error: 'ECONNREFUSED' } }), proxies: new Map([['127.0.0.1:4191', await proxyStatus(issuer)]]) }), /ECONNREFUSED/],
    ['a proxy without identity', async () => ({ proxies: new Map([['127.0.0.1:4191', { error: '127.0.0.1:4191/identity: 404 (the proxy runs without identity)' }]]) }), /runs without identity/],
    ['a certificate from another CA', async () => ({ proxies: new Map([['127.0.0.1:4191', await proxyStatus(await issuerFor())]]) }), /does not chain to the trust anchor/],
    ['an expired certificate', async () => ({ proxies: new Map([['127.0.0.1:4191', await proxyStatus(issuer, { now: new Date(Date.now() - 2 * DAY) })]]) }), /expired at/],
    ['a certificate about to expire', async () => ({ proxies: new Map([['127.0.0.1:4191', await proxyStatus(issuer, { now: new Date(Date.now() - DAY + 3_600_000) })]]) }), /expires soon .* renewal is failing/],
    ['a certificate for another identity', async () => ({ proxies: new Map([['127.0.0.1:4191', await proxyStatus(issuer, { identity: 'web.demo.serviceaccount.identity.signalbox.cluster.local' })]]) }), /certificate names DNS:web\.demo/],
    ['no identity service', async () => ({ status: status({ identity: null }), proxies: new Map([['127.0.0.1:4191', await proxyStatus(issuer)]]) }), /runs without --identity-dir/],
  ])('%s fails', async (_what, make, detail) => {
    const problems = failed(facts(await make()));
    expect(problems.map((r) => r.detail).join('\n')).toMatch(detail);
    expect(formatChecks(evaluateChecks(facts(await make())))).toMatch(/Status check results are ✖/);
  });
});
