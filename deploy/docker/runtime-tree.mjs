#!/usr/bin/env node
// Builds the runtime tree of one Signalbox image, inside the image's build stage (run from the repo root, after the
// build), in one of two ways:
//   node deploy/docker/runtime-tree.mjs <out> <workspace>[=<path>,<path>…] …
//   node deploy/docker/runtime-tree.mjs <out> --next <app>=<server entry>
//
// The first, for plain Node workspaces: for each workspace it copies its package.json and the given built paths
// (default: dist), then installs only the production dependencies of those workspaces, at the versions
// package-lock.json pins.
//
// Why not `npm ci --omit=dev --workspace <ws> --include-workspace-root=false` (npm 11): the lockfile's `dev` flag is
// global to the whole tree, so a package that is a devDependency of the proxy but a dependency of another workspace
// (@grpc/grpc-js, and @types/node through it) is kept. Listing only the image's workspaces in the root package.json
// makes npm recompute what production needs; the lockfile still pins every version (`npm install` keeps locked
// versions that satisfy the ranges, and --ignore-scripts runs no install script).
//
// The second, for a Next.js app behind its own server (apps/web): production dependencies would be all of next
// (its build-time compilers, its SWC binaries) and everything the bundles already contain. Instead: Next's standalone
// output (`output: 'standalone'`: the server files and only the node_modules files they load, traced at build time),
// the browser assets, and the files the app's server entry loads, traced by the same tracer (@vercel/nft, as next
// ships it, so no other dependency).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [out, ...specs] = process.argv.slice(2);
const next = specs[0] === '--next';
if (!out || specs.length === 0 || (next && (specs.length !== 2 || !/^[^=]+=[^=]+$/.test(specs[1])))) {
  console.error('usage: runtime-tree.mjs <out> <workspace>[=<path>,…] …\n       runtime-tree.mjs <out> --next <app>=<server entry>');
  process.exit(2);
}
if (next) await nextAppTree(...specs[1].split('='));
else
  workspacesTree(
    specs.map((spec) => {
      const [dir, paths = 'dist'] = spec.split('=');
      return { dir, paths: paths.split(',').filter(Boolean) };
    }),
  );

function workspacesTree(workspaces) {
  mkdirSync(out, { recursive: true });
  const root = JSON.parse(readFileSync('package.json', 'utf8'));
  const runtimeRoot = { name: root.name, private: true, type: root.type, workspaces: workspaces.map((w) => w.dir) };
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(runtimeRoot, null, 2)}\n`);
  cpSync('package-lock.json', path.join(out, 'package-lock.json'));

  for (const w of workspaces) {
    const pkg = JSON.parse(readFileSync(path.join(w.dir, 'package.json'), 'utf8'));
    delete pkg.devDependencies;
    delete pkg.scripts;
    mkdirSync(path.join(out, w.dir), { recursive: true });
    writeFileSync(path.join(out, w.dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    for (const p of w.paths) {
      const from = path.join(w.dir, p);
      if (!existsSync(from)) throw new Error(`${from} was not built`);
      // TypeScript's incremental state is build-time only.
      cpSync(from, path.join(out, w.dir, p), { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
    }
  }

  // --omit=peer: a package's peer dependencies that no workspace lists are for its users' tooling (@trpc/server's
  // typescript, 24 MB), never loaded at run time.
  execFileSync('npm', ['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: out, stdio: 'inherit' });
  // Type declarations and source maps are for compilers and debuggers; node loads neither.
  const modules = path.join(out, 'node_modules');
  for (const file of readdirSync(modules, { recursive: true, encoding: 'utf8' }))
    if (/\.(d\.[cm]?ts|map)$/.test(file)) rmSync(path.join(modules, file));
  console.log(`runtime tree for ${workspaces.map((w) => w.dir).join(', ')} in ${out}`);
}

async function nextAppTree(app, entry) {
  const standalone = path.join(app, '.next', 'standalone');
  if (!existsSync(standalone)) throw new Error(`${standalone} was not built (next.config needs output: 'standalone')`);
  // Paths in it are relative to next.config's outputFileTracingRoot, the repo root, like the tree's. Next traces sharp
  // (libvips, 19 MB) for the image optimizer, which next.config turns off; Turbopack's server trace does not apply
  // outputFileTracingExcludes, hence the filter.
  cpSync(standalone, out, { recursive: true, verbatimSymlinks: true, filter: (src) => !/\/node_modules\/(sharp|@img)$/.test(src) });
  // Next's generated server.js: the image runs the app's own server (which adds what Next cannot, the tap relay).
  rmSync(path.join(out, app, 'server.js'));
  // Standalone leaves the browser assets to a CDN; here the app's server serves them.
  cpSync(path.join(app, '.next', 'static'), path.join(out, app, '.next', 'static'), { recursive: true });

  const { nodeFileTrace } = createRequire(import.meta.url)('next/dist/compiled/@vercel/nft');
  const from = path.join(app, entry);
  if (!existsSync(from)) throw new Error(`${from} was not built`);
  // next itself comes from Next's own trace above (what its standalone server.js loads, as the app's server does).
  const { fileList } = await nodeFileTrace([from], { base: process.cwd(), ignore: ['node_modules/next/**'] });
  for (const file of fileList) {
    const to = path.join(out, file);
    mkdirSync(path.dirname(to), { recursive: true });
    // Workspace packages are symlinks in node_modules (@signalbox/shared → packages/shared): keep them relative.
    if (lstatSync(file).isSymbolicLink()) symlinkSync(readlinkSync(file), to);
    else copyFileSync(file, to);
  }
  console.log(`runtime tree for ${app} (Next standalone + ${entry}) in ${out}`);
}
