// The proxy as it ships: tsc's dist/ bundled by esbuild into one CommonJS script, dist/bundle/main.js (with a
// package.json there saying so, the package being ESM), whitespace and syntax minified, names kept for stack traces.
// Every sidecar holds the source it loaded in its own V8 heap: unbundled, ESM would load every module zod and the
// shared package reach (zod's 40 locales among them), comments and all. Bundled, an idle proxy is ~5 MB smaller
// (README, Performance). The native addons stay files beside the package (native/build), found from dist/bundle as
// from dist/tcp: the same depth.
//
// CommonJS rather than ESM output: an ES module entry brings Node's ESM loader (a dozen more built-in modules) and
// ~1 MB more of the node binary's pages per proxy, and esbuild's ESM chunks were loaded through it at run time (the
// TLS modules, on the first identity): the mTLS pair's larger proxy peaked ~1 MB lower in a same-run A/B.
// The proxy's own modules are imported statically, never with import(): esbuild wraps a dynamically imported module,
// and every module it imports, in a function run on first use, and tree shaking stops at such a wrapper (one import()
// of the tap listener brought back every export of zod and the shared package). What only some proxies use of Node
// itself (node:tls, node:crypto, node:http2) is reached where it is used (below). The build fails on an import().
// `import.meta.url` has no meaning in a script; its users hand it to createRequire, which takes the script's path.
//
// node:crypto and node:tls are reached with process.getBuiltinModule, never imported: an import is a require() at
// the top of the bundle, run by every proxy at start, TLS or not (~1.5 MB of module code and binary pages), and
// under ESM output it also ran the modules' lazy getters (node:tls's rootCertificates: Node's ~140 CA certificates
// as strings). The build fails if one is imported.
//
// zod is imported as `import * as z from 'zod'` everywhere the bundle reaches: a named `{ z }` import is a
// namespace re-export esbuild cannot shake, so every locale comes back. The build fails if one does.
import { rmSync, writeFileSync } from 'node:fs';
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
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  define: { 'import.meta.url': '__filename' },
  logLevel: 'warning',
});
writeFileSync(path.join(outdir, 'package.json'), '{ "type": "commonjs" }\n');

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

const locales = bundled.filter((input) => /zod\/v4\/locales\/(?!en\.js$)/.test(input));
if (locales.length > 0)
  fail(`zod's locales are in the bundle (${locales.length} files, e.g. ${locales[0]}): a module imports \`{ z } from 'zod'\`; import it as \`* as z\` instead`);

const dynamic = Object.entries(result.metafile.inputs).flatMap(([input, { imports }]) =>
  imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => `${input} imports ${i.path}`),
);
if (dynamic.length > 0) fail(`${dynamic.join(', ')} dynamically: import it statically (why: the top of bundle.mjs)`);

const eagerBuiltins = Object.entries(result.metafile.outputs).flatMap(([output, { imports }]) =>
  imports.filter((i) => i.path === 'node:crypto' || i.path === 'node:tls').map((i) => `${path.basename(output)} imports ${i.path}`),
);
if (eagerBuiltins.length > 0) fail(`${eagerBuiltins.join(', ')}: use process.getBuiltinModule() instead`);
