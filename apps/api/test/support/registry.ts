// Registry files for tests, written in the YAML users write; `replaceFile` saves the way editors do (rename).
import { renameSync, writeFileSync } from 'node:fs';
import type { Registry } from '@signalbox/shared';
import { stringify } from 'yaml';

export type RegistryInput = {
  namespaces: {
    name: string;
    pods?: { name: string; deployment: string; app: string; serviceAccount?: string; proxy?: { inbound: string; outbound: string; admin: string } }[];
    services?: { name: string; port: number; deployment: string; policy?: Record<string, unknown> }[];
  }[];
};

export function writeRegistry(file: string, registry: RegistryInput | Registry): void {
  writeFileSync(file, stringify(registry));
}

/** Writes a sibling file and renames it over `file`, as vim and most editors save. */
export function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.swp`, text);
  renameSync(`${file}.swp`, file);
}
