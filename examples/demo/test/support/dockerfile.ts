// Reading deploy/docker/*.Dockerfile as the builder would, for the static checks (src/compose.test.ts) and for the
// integration test that builds and runs an image's runtime tree outside Docker (test/integration/web-image.test.ts).

/** A Dockerfile's instructions: continuation lines joined, comments and blank lines dropped. */
export const dockerfileInstructions = (text: string): string[] =>
  text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

/** The arguments of `RUN node deploy/docker/runtime-tree.mjs <out> …` (shell form), or undefined without one. */
export const runtimeTreeArgs = (instructions: readonly string[]): string[] | undefined =>
  instructions
    .map((l) => /^RUN\s+node\s+deploy\/docker\/runtime-tree\.mjs\s+(.*)$/i.exec(l)?.[1])
    .find((args) => args !== undefined)
    ?.split(/\s+/);

/** What the last ENTRYPOINT (exec form) has `node` run: its flags, and the script (relative to the WORKDIR). */
export function entrypointNode(instructions: readonly string[]): { flags: string[]; script: string | undefined } | undefined {
  const entrypoint = instructions.filter((l) => /^ENTRYPOINT\s/i.test(l)).at(-1);
  if (entrypoint === undefined) return undefined;
  const argv = JSON.parse(entrypoint.replace(/^ENTRYPOINT\s+/i, '')) as string[];
  const node = argv.indexOf('node');
  if (node < 0) return undefined;
  const after = argv.slice(node + 1);
  const script = after.findIndex((a) => !a.startsWith('-'));
  return script < 0 ? { flags: after, script: undefined } : { flags: after.slice(0, script), script: after[script] };
}

/** The script `node` runs in the last ENTRYPOINT (exec form), relative to the WORKDIR. */
export const entrypointScript = (instructions: readonly string[]): string | undefined => entrypointNode(instructions)?.script;
