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

/** The script `node` runs in the last ENTRYPOINT (exec form), relative to the WORKDIR. */
export function entrypointScript(instructions: readonly string[]): string | undefined {
  const entrypoint = instructions.filter((l) => /^ENTRYPOINT\s/i.test(l)).at(-1);
  if (entrypoint === undefined) return undefined;
  const argv = JSON.parse(entrypoint.replace(/^ENTRYPOINT\s+/i, '')) as string[];
  const node = argv.indexOf('node');
  return node < 0 ? undefined : argv[node + 1];
}
