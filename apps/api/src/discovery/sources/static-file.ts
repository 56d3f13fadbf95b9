// The registry on one machine: a YAML file, parsed and validated at the edge, and watched for edits.
// Errors name the file, the path inside it and what is wrong, so a typo is fixed without reading code.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { registrySchema, type Registry } from '@signalbox/shared';
import { LineCounter, parseDocument } from 'yaml';
import type { DiscoverySource } from '../watcher.js';

export class RegistryFileError extends Error {
  constructor(
    readonly file: string,
    /** One line per problem, each `registry <file>: <path>: <what>`. */
    readonly problems: readonly string[],
  ) {
    super(problems.join('\n'));
    this.name = 'RegistryFileError';
  }
}

/** Parses registry YAML; throws RegistryFileError listing every problem (syntax with line:col, or schema). */
export function parseRegistry(text: string, file: string): Registry {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0)
    throw new RegistryFileError(
      file,
      doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return `registry ${file}:${at.line}:${at.col}: ${firstLine(e.message)}`;
      }),
    );
  const result = registrySchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  throw new RegistryFileError(
    file,
    result.error.issues.map((issue) => {
      const where = issuePath(issue.path);
      // The deepest node that exists gives the line: the value itself, or the object missing a key.
      let line = '';
      for (let n = issue.path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(issue.path.slice(0, n) as (string | number)[], true);
        const offset = (node as { range?: [number, number, number] } | null | undefined)?.range?.[0];
        if (offset !== undefined) {
          const pos = lineCounter.linePos(offset);
          line = ` (line ${pos.line}, column ${pos.col})`;
          break;
        }
      }
      return `registry ${file}: ${where}: ${issue.message}${line}`;
    }),
  );
}

export async function loadRegistryFile(file: string): Promise<{ registry: Registry; text: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new RegistryFileError(file, [`registry ${file}: cannot read: ${(err as Error).message}`]);
  }
  return { registry: parseRegistry(text, file), text };
}

/** `namespaces[0].pods[1].app`, as a reader of the YAML would point at it. */
export function issuePath(segments: readonly PropertyKey[]): string {
  if (segments.length === 0) return '(top level)';
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${String(s)}`))
    .join('');
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

export interface RegistryFileWatch {
  close(): void;
}

export interface WatchOptions {
  readonly file: string;
  /** The content the caller already applied, so an unchanged save triggers nothing. */
  readonly initialText: string;
  readonly onRegistry: (registry: Registry) => void;
  readonly onError: (error: RegistryFileError) => void;
  readonly debounceMs?: number;
}

/**
 * Watches the registry's directory, not the file: editors save by writing a new file and renaming it over the
 * old one, which ends a watch on the old inode. Bursts of events are debounced; unchanged content is skipped.
 */
export function watchRegistryFile({ file, initialText, onRegistry, onError, debounceMs = 100 }: WatchOptions): RegistryFileWatch {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let lastText = initialText;
  let timer: NodeJS.Timeout | undefined;
  let reading = Promise.resolve();

  const reload = async () => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      // Between an unlink and the rename's arrival the file is briefly absent; the next event retries.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      onError(new RegistryFileError(file, [`registry ${file}: cannot read: ${(err as Error).message}`]));
      return;
    }
    if (text === lastText) return;
    lastText = text;
    try {
      onRegistry(parseRegistry(text, file));
    } catch (err) {
      if (err instanceof RegistryFileError) onError(err);
      else throw err;
    }
  };

  const watcher: FSWatcher = watch(dir, (_event, name) => {
    if (name !== null && name !== base) return;
    clearTimeout(timer);
    // Reloads run one after another, so an older read never overwrites a newer one.
    timer = setTimeout(() => {
      // A failure of one reload must not stop the chain, or later edits would never apply.
      reading = reading.then(reload).catch((err: unknown) => console.error(`registry ${file}: reload failed:`, err));
    }, debounceMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

// === As a discovery source ===

/** The registry file as a DiscoverySource: a bad file at start rejects (fail fast); a bad edit keeps the last good one. */
export function createStaticFileSource(file: string, { log = () => {} }: { log?: (message: string) => void } = {}): DiscoverySource {
  let watch: RegistryFileWatch | undefined;
  return {
    description: `registry ${file}`,
    async start({ onUpdate, onError }) {
      const loaded = await loadRegistryFile(file);
      watch = watchRegistryFile({
        file,
        initialText: loaded.text,
        onRegistry(registry) {
          log(`registry ${file} reloaded`);
          onUpdate(registry);
        },
        onError: (error) => onError(error),
      });
      return loaded.registry;
    },
    close: () => watch?.close(),
  };
}
