// Pure core of `signalbox check`: the facts gathered (API, CA, Prometheus `up`, each proxy's `/identity`) → one
// result per check. Certificates are read with node:crypto; time is injected.
import { X509Certificate } from 'node:crypto';
import type { CheckStatus } from '@signalbox/api';
import type { ProxyIdentityStatus } from '@signalbox/shared';

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed, or a short fact when it passed. */
  readonly detail: string;
}

export interface CheckFacts {
  readonly now: Date;
  /** Fail when the anchor or issuer expires within this many ms. */
  readonly caExpiryWarningMs: number;
  readonly api: { readonly ok: true } | { readonly ok: false; readonly error: string };
  readonly status: CheckStatus | null;
  /** Per proxy admin address: its `/identity`, or why it could not be read. */
  readonly proxies: ReadonlyMap<string, ProxyIdentityStatus | { readonly error: string }>;
}

const DAY = 86_400_000;

export function evaluateChecks(f: CheckFacts): CheckResult[] {
  const results: CheckResult[] = [];
  results.push({ name: 'control plane is reachable', ok: f.api.ok, detail: f.api.ok ? '' : f.api.error });
  if (!f.api.ok || !f.status) return results;
  const { status } = f;

  let anchors: X509Certificate[] = [];
  if (!status.identity) results.push({ name: 'identity service is running', ok: false, detail: 'the control plane runs without --identity-dir (no mTLS)' });
  else {
    anchors = splitPem(status.identity.trustAnchorsPem).map((p) => new X509Certificate(p));
    for (const anchor of anchors) results.push(validity(`trust anchor ${anchor.subject.replace(/\n/g, ',')} is valid`, anchor, f.now, f.caExpiryWarningMs));
    const issuer = new X509Certificate(status.identity.issuerCertPem);
    const signed = anchors.some((a) => issuer.checkIssued(a) && issuer.verify(a.publicKey));
    const v = validity(`issuer ${issuer.subject.replace(/\n/g, ',')} is valid and signed by the trust anchor`, issuer, f.now, f.caExpiryWarningMs);
    results.push(signed ? v : { ...v, ok: false, detail: 'not signed by any trust anchor' });
  }

  if (!status.prometheus.reachable) results.push({ name: 'Prometheus is reachable', ok: false, detail: status.prometheus.error });
  else {
    results.push({ name: 'Prometheus is reachable', ok: true, detail: '' });
    const up = new Map(status.prometheus.up.map((t) => [t.instance, t.up]));
    const missing = status.proxies.filter((p) => up.get(p.admin) !== true).map((p) => `${p.namespace}/${p.pod} (${up.has(p.admin) ? 'down' : 'not a target'})`);
    results.push({
      name: 'Prometheus scrapes every proxy',
      ok: missing.length === 0,
      detail: missing.length === 0 ? `${status.proxies.length} proxies up` : `not scraped: ${missing.join(', ')}`,
    });
  }

  for (const proxy of status.proxies) {
    const name = `proxy ${proxy.namespace}/${proxy.pod} has a certificate for its identity`;
    const seen = f.proxies.get(proxy.admin);
    if (!seen || 'error' in seen) {
      results.push({ name, ok: false, detail: seen?.error ?? 'not checked' });
      continue;
    }
    results.push({ name, ...proxyCertificate(seen, proxy.identity, anchors, f.now) });
  }
  return results;
}

function validity(name: string, cert: X509Certificate, now: Date, warnMs: number): CheckResult {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) return { name, ok: false, detail: `not valid before ${from.toISOString()}` };
  if (now >= to) return { name, ok: false, detail: `expired at ${to.toISOString()}` };
  const left = to.getTime() - now.getTime();
  if (left < warnMs) return { name, ok: false, detail: `expires in ${Math.floor(left / DAY)} days (${to.toISOString()}); rotate it` };
  return { name, ok: true, detail: `until ${to.toISOString()}` };
}

/** The leaf names the expected identity, chains to an anchor, is valid, and has more than 10 % of its life left. */
function proxyCertificate(s: ProxyIdentityStatus, expected: string, anchors: readonly X509Certificate[], now: Date): { ok: boolean; detail: string } {
  if (!s.ready || s.chain.length === 0) return { ok: false, detail: `no certificate yet${s.lastError ? `: ${s.lastError}` : ''}` };
  if (s.identity !== expected) return { ok: false, detail: `runs as ${s.identity}, the registry expects ${expected}` };
  const [leaf, ...chain] = s.chain.map((p) => new X509Certificate(p)) as [X509Certificate, ...X509Certificate[]];
  if (leaf.subjectAltName !== `DNS:${expected}`) return { ok: false, detail: `certificate names ${leaf.subjectAltName ?? 'nothing'}` };
  let cert = leaf;
  for (const next of chain) {
    if (!cert.checkIssued(next) || !cert.verify(next.publicKey)) return { ok: false, detail: 'broken chain' };
    cert = next;
  }
  if (!anchors.some((a) => cert.checkIssued(a) && cert.verify(a.publicKey))) return { ok: false, detail: 'does not chain to the trust anchor' };
  const from = new Date(leaf.validFrom).getTime();
  const to = new Date(leaf.validTo).getTime();
  if (now.getTime() >= to) return { ok: false, detail: `expired at ${new Date(to).toISOString()}` };
  // Renewal happens at 70 %: under 10 % left means renewals have been failing.
  if (to - now.getTime() < (to - from) / 10) return { ok: false, detail: `expires soon (${new Date(to).toISOString()}); renewal is failing${s.lastError ? `: ${s.lastError}` : ''}` };
  return { ok: true, detail: `until ${new Date(to).toISOString()}` };
}

function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** ✔/✖ lines, as `linkerd check` prints them. */
export function formatChecks(results: readonly CheckResult[]): string {
  const lines = results.map((r) => `${r.ok ? '✔' : '✖'} ${r.name}${!r.detail ? '' : r.ok ? `: ${r.detail}` : `\n    ${r.detail}`}`);
  const failed = results.filter((r) => !r.ok).length;
  lines.push('', failed === 0 ? 'Status check results are ✔' : `Status check results are ✖ (${failed} failed)`);
  return `${lines.join('\n')}\n`;
}
