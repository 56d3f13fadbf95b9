// The identity service as built: CA generated on first run (modes), trust anchors served, leaves issued for a
// token's own identity only, refusals coded and logged without the token, and a certify storm rate-limited.
import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { certifyPath, identityErrorSchema, trustAnchorsPath, certifyResponseSchema } from '@signalbox/shared';
import { eventually, freeAddr, logTail, makeRunDir, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildWorkspace } from '../support/build.js';
import { csrFor } from '../support/csr.js';
import { startIdentityControlPlane } from '../support/identity-control-plane.js';

const id = (sa: string) => `${sa}.demo.serviceaccount.identity.signalbox.cluster.local`;
const booksToken = 'books-token-abcdefghijklmnop';
const webToken = 'web-token-abcdefghijklmnopqr';

let api: ManagedProcess;
let apiAddr: string;
let dir: string;

beforeAll(async () => {
  buildWorkspace('apps/api');
  dir = makeRunDir('signalbox-identity-');
  writeFileSync(path.join(dir, 'web.token'), `${webToken}\n`, { mode: 0o600 });
  const proxy = async () => ({ inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() });
  const registry = {
    namespaces: [
      {
        name: 'demo',
        pods: [
          { name: 'books-0', deployment: 'books', serviceAccount: 'books', app: await freeAddr(), proxy: await proxy(), identityToken: { value: booksToken } },
          { name: 'web-0', deployment: 'web', serviceAccount: 'web', app: await freeAddr(), proxy: await proxy(), identityToken: { file: path.join(dir, 'web.token') } },
        ],
        services: [{ name: 'books', port: 7000, deployment: 'books' }],
      },
    ],
  };
  const registryFile = path.join(dir, 'registry.yaml');
  writeFileSync(registryFile, stringify(registry));
  apiAddr = await freeAddr();
  api = await startIdentityControlPlane({ dir, listen: apiAddr, registryFile });
});

afterAll(() => api?.stop());

async function certify(body: unknown): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`http://${apiAddr}${certifyPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

describe('identity service', () => {
  it('generated the CA on first run: keys 0600, certificates 0644, and serves the trust anchors', async () => {
    const mode = (f: string) => statSync(path.join(dir, 'identity', f)).mode & 0o777;
    expect([mode('ca.key'), mode('issuer.key'), mode('ca.crt'), mode('issuer.crt')]).toEqual([0o600, 0o600, 0o644, 0o644]);
    const res = await fetch(`http://${apiAddr}${trustAnchorsPath}`);
    expect(res.headers.get('content-type')).toBe('application/x-pem-file');
    expect(await res.text()).toBe(readFileSync(path.join(dir, 'identity', 'ca.crt'), 'utf8'));
  });

  it('issues a leaf for the identity the token proves, chained to the anchor', async () => {
    const { status, json } = await certify({ v: 1, identity: id('books'), token: booksToken, csr: await csrFor(id('books')) });
    expect(status).toBe(200);
    const answer = certifyResponseSchema.parse(json);
    const leaf = new X509Certificate(answer.leafCertificate);
    const issuer = new X509Certificate(answer.intermediateCertificates[0] as string);
    const anchor = new X509Certificate(answer.trustAnchors as string);
    expect(leaf.subjectAltName).toBe(`DNS:${id('books')}`);
    expect(leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey) && issuer.verify(anchor.publicKey)).toBe(true);
    const lifetime = new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime();
    expect(lifetime).toBe(24 * 3_600_000 + 20_000);
    expect(new Date(answer.validUntil).getTime()).toBe(new Date(leaf.validTo).getTime());

    // A file token works the same way (read by the control plane, trimmed).
    expect((await certify({ v: 1, identity: id('web'), token: webToken, csr: await csrFor(id('web')) })).status).toBe(200);
  });

  it.each([
    ['an unknown token', () => ({ identity: id('books'), token: 'not-a-token-anybody-has', name: id('books') }), 401, 'SB_IDENTITY_UNAUTHENTICATED', /belongs to no pod/],
    ["another pod's token", () => ({ identity: id('books'), token: webToken, name: id('books') }), 403, 'SB_IDENTITY_NAME_MISMATCH', /does not prove books\.demo/],
    ['a CSR for a name the token does not prove', () => ({ identity: id('books'), token: booksToken, name: id('web') }), 403, 'SB_IDENTITY_NAME_MISMATCH', /CSR requests web\.demo.*not the claimed identity books\.demo/],
  ])('refuses %s with a clear, logged error (without the token)', async (_what, make, status, code, message) => {
    const { identity, token, name } = make();
    const res = await certify({ v: 1, identity, token, csr: await csrFor(name) });
    expect(res.status).toBe(status);
    const body = identityErrorSchema.parse(res.json);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(JSON.stringify(res.json)).not.toContain(token);
    await eventually(() => expect(logTail(api.logFile, 50)).toMatch(new RegExp(`certify: refused .*\\(${code}\\)`)));
    expect(readFileSync(api.logFile, 'utf8')).not.toContain(token);
  });

  it.each([
    ['not JSON', '{"v":1,'],
    ['a missing CSR', { v: 1, identity: id('books'), token: booksToken }],
    ['a name that is no identity', { v: 1, identity: 'books.demo', token: booksToken, csr: '-----BEGIN CERTIFICATE REQUEST-----\nAA==\n-----END CERTIFICATE REQUEST-----\n' }],
  ])('answers 400 to %s', async (_what, body) => {
    const res = await certify(body);
    expect(res.status).toBe(400);
    expect(identityErrorSchema.parse(res.json).error.code).toBe('SB_IDENTITY_BAD_REQUEST');
  });

  it('rate-limits a certify storm with 429s; a well-behaved client succeeds again after the window', async () => {
    const csr = await csrFor(id('books'));
    const storm = await Promise.all(Array.from({ length: 40 }, () => certify({ v: 1, identity: id('books'), token: booksToken, csr })));
    const limited = storm.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(identityErrorSchema.parse(limited[0]?.json).error.code).toBe('SB_IDENTITY_RATE_LIMITED');
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect((await certify({ v: 1, identity: id('books'), token: booksToken, csr })).status).toBe(200), { timeoutMs: 5000, intervalMs: 1100 });
    const metrics = await (await fetch(`http://${apiAddr}/metrics`)).text();
    expect(metrics).toMatch(/^signalbox_identity_certify_total\{result="SB_IDENTITY_RATE_LIMITED"\} \d+/m);
    expect(metrics).toMatch(/^signalbox_identity_certify_total\{result="issued"\} \d+/m);
  });
});
