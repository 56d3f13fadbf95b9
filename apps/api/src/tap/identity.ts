// The control plane's own workload identity for tap (Linkerd's tap service name): a leaf for
// `tap.signalbox.serviceaccount.identity.signalbox.<trust-domain>`, issued in-process by the CA this control plane
// runs (it holds the issuer key, so no certify round trip), with the same leaf profile as certify. The key is made
// once in memory and kept across renewals; renewal at 70 % of the remaining lifetime, clamped to [10 s, 24 h], as
// proxies do; a failed renewal keeps the current certificate and retries (1 s doubling to 60 s).
import { issueLeaf, type Issuer } from '../identity/ca.js';
import { exportPrivateKeyPem, generateKeyPair } from '../identity/x509.js';

/** What a TLS client needs (the proxy's `TlsMaterial` shape). */
export interface TapTlsMaterial {
  readonly identity: string;
  readonly keyPem: string;
  readonly leafPem: string;
  readonly chainPem: readonly string[];
  readonly trustAnchorsPem: string;
  readonly notAfter: Date;
}

export interface TapCertSource {
  /** The current certificate (after `ready`). */
  current(): TapTlsMaterial | undefined;
  /** Resolves with the first certificate. */
  readonly ready: Promise<TapTlsMaterial>;
  close(): void;
}

export interface TapCertSourceOptions {
  readonly issuer: Issuer;
  readonly identity: string;
  readonly lifetimeMs: number;
  readonly log?: (message: string) => void;
  readonly now?: () => Date;
}

/** Delay before renewing a certificate valid until `notAfter`: 70 % of what is left, within [10 s, 24 h]. */
export function tapRenewDelayMs(notAfter: Date, now: Date): number {
  return Math.min(24 * 3_600_000, Math.max(10_000, Math.floor((notAfter.getTime() - now.getTime()) * 0.7)));
}

export function createTapCertSource({ issuer, identity, lifetimeMs, log = () => {}, now = () => new Date() }: TapCertSourceOptions): TapCertSource {
  let material: TapTlsMaterial | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let retryMs = 1000;
  const keys = generateKeyPair();
  const keyPem = keys.then((k) => exportPrivateKeyPem(k.privateKey));

  const issue = async (): Promise<TapTlsMaterial> => {
    const leaf = await issueLeaf(issuer, { identity, publicKey: (await keys).publicKey, now: now(), lifetimeMs });
    return {
      identity,
      keyPem: await keyPem,
      leafPem: `${leaf.toString('pem')}\n`,
      chainPem: [issuer.certPem],
      trustAnchorsPem: issuer.trustAnchorsPem,
      notAfter: leaf.notAfter,
    };
  };
  const schedule = (ms: number) => {
    if (closed) return;
    timer = setTimeout(renew, ms);
    timer.unref();
  };
  const renew = () => {
    issue().then(
      (m) => {
        material = m;
        retryMs = 1000;
        schedule(tapRenewDelayMs(m.notAfter, now()));
      },
      (err: unknown) => {
        log(`tap identity: renewal failed, keeping the current certificate: ${String(err)}`);
        schedule(retryMs);
        retryMs = Math.min(60_000, retryMs * 2);
      },
    );
  };
  const ready = issue().then((m) => {
    material = m;
    schedule(tapRenewDelayMs(m.notAfter, now()));
    return m;
  });

  return {
    current: () => material,
    ready,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
