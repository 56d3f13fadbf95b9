// Loading one of the proxy's N-API addons (native/, built by the package's build, Linux only). A missing or broken
// addon is never a crash: the caller gets why, to log, and runs without what the addon gives.
import { createRequire } from 'node:module';

export type AddonLoad<T> = { readonly ok: true; readonly addon: T } | { readonly ok: false; readonly reason: string };

/**
 * `path` relative to the calling module, `from` (its import.meta.url, which the bundle makes the script's own path:
 * createRequire takes either); `what` names the addon in the reasons.
 */
export function loadAddon<T>(from: string, path: string, what: string): AddonLoad<T> {
  if (process.platform !== 'linux') return { ok: false, reason: `${what} is Linux-only (this is ${process.platform})` };
  try {
    return { ok: true, addon: createRequire(from)(path) as T };
  } catch (err) {
    return { ok: false, reason: `the ${what} addon did not load (${(err as Error).message.split('\n')[0]}); build it with npm run build -w @signalbox/proxy` };
  }
}
