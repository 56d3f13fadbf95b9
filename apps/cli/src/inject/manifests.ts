// Reading manifests for `signalbox inject`: files, directories (their .yaml/.yml/.json files, sorted, as
// `kubectl apply -f dir`) or stdin; multi-document YAML. Every document is parsed before anything is printed, so
// invalid input is refused with its source, document number and reason, and stdout stays empty.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, stringify, type Document } from 'yaml';
import { injectObject, type InjectResult } from './inject.js';
import type { ProxySpecOptions } from './proxy-spec.js';

export class ManifestError extends Error {
  readonly code = 'SB_INJECT_INVALID';
  constructor(
    readonly source: string,
    /** 1-based, as a reader counts the `---`-separated documents. */
    readonly document: number,
    readonly reason: string,
  ) {
    super(`${source}: document ${document}: ${reason}`);
    this.name = 'ManifestError';
  }
}

export interface ManifestInput {
  readonly source: string;
  readonly text: string;
}

/** Paths → inputs; `-` or no path reads `stdin`. */
export async function readManifestInputs(paths: readonly string[], stdin: () => Promise<string>): Promise<ManifestInput[]> {
  if (paths.length === 0) return [{ source: 'stdin', text: await stdin() }];
  const inputs: ManifestInput[] = [];
  for (const p of paths) {
    if (p === '-') {
      inputs.push({ source: 'stdin', text: await stdin() });
      continue;
    }
    const info = await stat(p).catch((err: NodeJS.ErrnoException) => {
      throw new ManifestError(p, 0, `cannot read: ${err.code ?? err.message}`);
    });
    const files = info.isDirectory()
      ? (await readdir(p))
          .filter((f) => /\.(ya?ml|json)$/.test(f))
          .sort()
          .map((f) => path.join(p, f))
      : [p];
    for (const file of files) inputs.push({ source: file, text: await readFile(file, 'utf8') });
  }
  return inputs;
}

interface ParsedDocument {
  readonly doc: Document;
  readonly value: unknown;
}

export function parseManifest({ source, text }: ManifestInput): ParsedDocument[] {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  return docs.flatMap((doc, i) => {
    const error = doc.errors[0];
    if (error) throw new ManifestError(source, i + 1, error.message.split('\n')[0] ?? 'invalid YAML');
    const value = doc.toJS() as unknown;
    // `---` followed by nothing (or only comments) is an empty document, which kubectl skips too.
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || Array.isArray(value)) throw new ManifestError(source, i + 1, 'not a Kubernetes object (a mapping with apiVersion and kind)');
    const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
    if (typeof kind !== 'string' || kind === '') throw new ManifestError(source, i + 1, 'missing "kind"');
    if (typeof apiVersion !== 'string' || apiVersion === '') throw new ManifestError(source, i + 1, 'missing "apiVersion"');
    return [{ doc, value }];
  });
}

export interface InjectedStream {
  readonly yaml: string;
  readonly report: InjectResult['report'];
}

/**
 * Injects every document of every input and joins them into one stream. A document left alone is printed as it
 * was read (its comments too); an injected one is re-serialised.
 */
export function injectManifests(inputs: readonly ManifestInput[], options: ProxySpecOptions): InjectedStream {
  const parsed = inputs.flatMap(parseManifest);
  const report: InjectResult['report'][number][] = [];
  const out = parsed.map(({ doc, value }) => {
    const result = injectObject(value, options);
    report.push(...result.report);
    const text = result.object === value ? doc.toString({ lineWidth: 0 }) : stringify(result.object, { lineWidth: 0 });
    return `---\n${text.replace(/^---\n/, '')}`;
  });
  return { yaml: out.join(''), report };
}
