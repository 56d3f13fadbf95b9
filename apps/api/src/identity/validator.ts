// Proof of identity for certify: does this token prove this identity? One machine: the registry's per-pod tokens;
// Kubernetes (a later issue): a TokenReview of the pod's ServiceAccount token, behind the same interface.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { defaultTrustDomain, describeTokenRef, identityName, type IdentityTokenRef, type Registry } from '@signalbox/shared';

export type TokenValidation =
  | { readonly ok: true }
  /** `unknown-token`: no pod has it (401); `wrong-identity`: it belongs to pods of other identities (403). */
  | { readonly ok: false; readonly reason: 'unknown-token' | 'wrong-identity'; readonly message: string };

export interface TokenValidator {
  validate(identity: string, token: string): Promise<TokenValidation>;
}

export interface StaticTokenValidatorOptions {
  /** The last good registry, read per call (it reloads). */
  readonly registry: () => Registry;
  readonly trustDomain?: string;
  /** Reads a reference's value; default: the environment and files of this process. */
  readonly resolve?: (ref: IdentityTokenRef) => Promise<string | undefined>;
  /** Problems reading a reference (never its value). */
  readonly warn?: (message: string) => void;
}

export async function resolveTokenRef(ref: IdentityTokenRef, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if ('value' in ref) return ref.value;
  if ('env' in ref) return env[ref.env] || undefined;
  return (await readFile(ref.file, 'utf8')).trim() || undefined;
}

/**
 * Checks a token against every meshed pod's token reference. Tokens are compared as SHA-256 digests in constant
 * time, so neither the comparison nor a map lookup leaks how much of a token matched.
 */
export function createStaticTokenValidator({ registry, trustDomain = defaultTrustDomain, resolve = (ref) => resolveTokenRef(ref), warn = () => {} }: StaticTokenValidatorOptions): TokenValidator {
  return {
    async validate(identity, token) {
      const presented = digest(token);
      const proven = new Set<string>();
      for (const ns of registry().namespaces)
        for (const pod of ns.pods) {
          if (!pod.identityToken) continue;
          let value: string | undefined;
          try {
            value = await resolve(pod.identityToken);
          } catch (err) {
            warn(`identity token of ${ns.name}/${pod.name} (${describeTokenRef(pod.identityToken)}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
            continue;
          }
          if (value === undefined) continue;
          if (timingSafeEqual(digest(value), presented)) proven.add(identityName({ serviceAccount: pod.serviceAccount, namespace: ns.name, trustDomain }));
        }
      if (proven.has(identity)) return { ok: true };
      if (proven.size === 0) return { ok: false, reason: 'unknown-token', message: 'the token belongs to no pod in the registry' };
      return { ok: false, reason: 'wrong-identity', message: `the token does not prove ${identity}` };
    },
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
