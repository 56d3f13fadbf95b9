// The proxy as it ships: tsc's dist/ bundled by esbuild into dist/bundle/ (main.js and the chunks its dynamic
// imports load), whitespace and syntax minified, names kept for stack traces. Every sidecar holds the source it
// loaded in its own V8 heap: ESM would load every module zod and the shared package reach (zod's 40 locales among
// them), comments and all. Bundled, an idle proxy is ~5 MB smaller (README, Performance). The native addons stay
// files beside the package (native/build), found from dist/bundle as from dist/tcp: the same depth.
//
// Only ES modules go in. A CommonJS one's require() calls would go through esbuild's ESM shim, which throws at run
// time ("Dynamic require of ... is not supported"), and only when first reached: ws, when tap still used it, did
// on the first subscriber. CommonJS dependencies stay outside (node_modules, loaded by Node), and the build fails if
// one gets in.
//
// node:crypto and node:tls are reached with process.getBuiltinModule, never imported: an ESM import of a built-in
// copies each of its exports into the module namespace, running the lazy getters, and node:crypto's load Web Crypto
// (~0.26 MB of heap) while node:tls's rootCertificates turns Node's ~140 CA certificates into strings (~0.33 MB) in
// every proxy with an identity. The build fails if one is imported.
//
// zod is imported as `import * as z from 'zod'` everywhere the bundle reaches: a named `{ z }` import is a
// namespace re-export esbuild cannot shake, so every locale comes back. The build fails if one does.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, 'dist/bundle');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(here, 'dist/main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});

// Inputs esbuild read but shook out entirely have 0 bytes in every output.
const bundled = Object.values(result.metafile.outputs).flatMap((output) =>
  Object.entries(output.inputs)
    .filter(([, used]) => used.bytesInOutput > 0)
    .map(([input]) => input),
);
const fail = (message) => {
  console.error(`signalbox-proxy bundle: ${message}`);
  process.exit(1);
};

const commonJs = bundled.filter((input) => result.metafile.inputs[input]?.format === 'cjs');
if (commonJs.length > 0) fail(`CommonJS modules are in the bundle (${commonJs.join(', ')}): add their packages to external`);

const locales = bundled.filter((input) => /zod\/v4\/locales\/(?!en\.js$)/.test(input));
if (locales.length > 0)
  fail(`zod's locales are in the bundle (${locales.length} files, e.g. ${locales[0]}): a module imports \`{ z } from 'zod'\`; import it as \`* as z\` instead`);

const eagerBuiltins = Object.entries(result.metafile.outputs).flatMap(([output, { imports }]) =>
  imports.filter((i) => i.kind === 'import-statement' && (i.path === 'node:crypto' || i.path === 'node:tls')).map((i) => `${path.basename(output)} imports ${i.path}`),
);
if (eagerBuiltins.length > 0) fail(`${eagerBuiltins.join(', ')}: use process.getBuiltinModule() instead`);
