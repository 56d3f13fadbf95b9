// The proxy's identity: a P-256 key made in memory at start (never written anywhere, never sent), a CSR for the
// proxy's identity, certify with its token, then renewal at 70 % of the lifetime. While the identity service is
// unreachable the current certificate stays in use and certify is retried with backoff. TLS stages read
// `current()` (or follow `onChange`) to build their contexts.
import type { KeyObject } from 'node:crypto';
import type { CertifyResponse, ProxyIdentityStatus } from '@signalbox/shared';
import type { CertifyClient } from './certify-client.js';
import { isoTimestamp } from '../utc-time.js';
import { createKeyAndCsr } from './csr.js';
import type { IdentityMetrics } from './metrics.js';
import { refreshDelayMs, retryDelayMs } from './refresh.js';

/** What a TLS context needs: all PEM. The key lives in this process only. */
export interface CertMaterial {
  readonly identity: string;
  readonly keyPem: string;
  readonly leafPem: string;
  /** Intermediates, issuer first. */
  readonly chainPem: readonly string[];
  readonly trustAnchorsPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Timers and time, injected so tests drive renewal without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface CertManagerOptions {
  readonly identity: string;
  /** Read before every certify, so a rotated token file is picked up. */
  readonly token: () => string | Promise<string>;
  readonly client: CertifyClient;
  /** The anchors peers are verified with. Absent: taken from the first certify answer (trust on first use). */
  readonly trustAnchorsPem?: string;
  readonly metrics?: IdentityMetrics;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly log?: (message: string) => void;
}

export interface CertManager {
  /** Resolves with the first certificate; the proxy reports ready only after it. Never rejects: it retries. */
  readonly ready: Promise<CertMaterial>;
  current(): CertMaterial | undefined;
  /** Called with every new certificate; returns unsubscribe. */
  onChange(listener: (material: CertMaterial) => void): () => void;
  /** For the admin `/identity` endpoint: public material only. */
  status(): ProxyIdentityStatus;
  /** Stops renewing (shutdown). */
  close(): void;
}

export class CertificateRejectedError extends Error {
  readonly code = 'SB_IDENTITY_BAD_CERTIFICATE';
}

export function createCertManager(options: CertManagerOptions): CertManager {
  const { identity, client, metrics, clock = systemClock, random = Math.random, log = () => {} } = options;
  let material: CertMaterial | undefined;
  let refreshCount = 0;
  let lastError: string | null = null;
  let attempt = 0;
  let timer: unknown;
  let closed = false;
  const listeners = new Set<(m: CertMaterial) => void>();
  let resolveReady!: (m: CertMaterial) => void;
  const ready = new Promise<CertMaterial>((resolve) => (resolveReady = resolve));

  // The key pair and the CSR, once per process: renewals reuse both, as Linkerd does.
  const keys = createKeyAndCsr(identity);

  const schedule = (ms: number) => {
    if (closed) return;
    timer = clock.setTimeout(() => void renew(), ms);
  };

  async function renew(): Promise<void> {
    if (closed) return;
    try {
      const { keyPem, csrPem, publicKey } = keys;
      const response = await client.certify({ v: 1, identity, token: await options.token(), csr: csrPem });
      const next = accept(response, { identity, keyPem, publicKey, trustAnchorsPem: options.trustAnchorsPem, nowMs: clock.now() });
      if (closed) return;
      material = next;
      refreshCount += 1;
      attempt = 0;
      lastError = null;
      metrics?.refreshed(next.notAfter);
      log(`identity: certificate for ${identity} valid until ${isoTimestamp(next.notAfter.getTime())}`);
      for (const listener of listeners) listener(next);
      resolveReady(next);
      schedule(refreshDelayMs(next.notAfter.getTime(), clock.now()));
    } catch (err) {
      lastError = `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`;
      const delay = retryDelayMs(attempt++, random);
      log(`identity: certify failed (${lastError}); ${material ? 'keeping the current certificate, ' : ''}retrying in ${delay} ms`);
      schedule(delay);
    }
  }

  void renew();

  return {
    ready,
    current: () => material,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    status: () => ({
      identity,
      ready: material !== undefined,
      notAfter: material ? isoTimestamp(material.notAfter.getTime()) : null,
      chain: material ? [material.leafPem, ...material.chainPem] : [],
      refreshCount,
      lastError,
    }),
    close() {
      closed = true;
      clock.clearTimeout(timer);
      listeners.clear();
    },
  };
}


/**
 * Checks an answer before using it: the leaf carries our key and exactly our identity, is valid now, and chains
 * through the intermediates to a trust anchor. A control plane bug must not install a certificate peers refuse.
 */
function accept(
  response: CertifyResponse,
  { identity, keyPem, publicKey, trustAnchorsPem, nowMs }: { identity: string; keyPem: string; publicKey: KeyObject; trustAnchorsPem: string | undefined; nowMs: number },
): CertMaterial {
  const anchorsPem = trustAnchorsPem ?? response.trustAnchors;
  if (!anchorsPem) throw new CertificateRejectedError('no trust anchors: none configured and none in the certify answer');
  const { X509Certificate } = process.getBuiltinModule('node:crypto'); // not imported: bundle.mjs says why
  const leaf = new X509Certificate(response.leafCertificate);
  const chain = response.intermediateCertificates.map((p) => new X509Certificate(p));
  const anchors = splitPem(anchorsPem).map((p) => new X509Certificate(p));
  if (!leaf.publicKey.equals(publicKey)) throw new CertificateRejectedError('the issued certificate is not for this proxy’s key');
  if (leaf.subjectAltName !== `DNS:${identity}`) throw new CertificateRejectedError(`the issued certificate names ${leaf.subjectAltName ?? 'nothing'}, not ${identity}`);
  const notAfterMs = new Date(leaf.validTo).getTime();
  if (notAfterMs <= nowMs) throw new CertificateRejectedError(`the issued certificate expired at ${isoTimestamp(notAfterMs)}`);
  let cert = leaf;
  for (const next of [...chain, null]) {
    if (next === null) {
      if (!anchors.some((a) => cert.checkIssued(a) && cert.verify(a.publicKey))) throw new CertificateRejectedError('the issued chain does not lead to a trust anchor');
      break;
    }
    if (!cert.checkIssued(next) || !cert.verify(next.publicKey)) throw new CertificateRejectedError('the issued chain is broken');
    cert = next;
  }
  return {
    identity,
    keyPem,
    leafPem: response.leafCertificate,
    chainPem: response.intermediateCertificates,
    trustAnchorsPem: anchorsPem,
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(notAfterMs),
  };
}

export function splitPem(bundle: string): string[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) => `${b}\n`);
}
