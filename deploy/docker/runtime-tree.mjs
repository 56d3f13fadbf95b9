#!/usr/bin/env node
// Builds the runtime tree of one Signalbox image, inside the image's build stage (run from the repo root, after the
// build): `node deploy/docker/runtime-tree.mjs <out> <workspace>[=<path>,<path>…] …`. For each workspace it copies its
// package.json and the given built paths (default: dist), then installs only the production dependencies of those
// workspaces, at the versions package-lock.json pins.
//
// Why not `npm ci --omit=dev --workspace <ws> --include-workspace-root=false` (npm 11): the lockfile's `dev` flag is
// global to the whole tree, so a package that is a devDependency of the proxy but a dependency of another workspace
// (@grpc/grpc-js, and @types/node through it) is kept. Listing only the image's workspaces in the root package.json
// makes npm recompute what production needs; the lockfile still pins every version (`npm install` keeps locked
// versions that satisfy the ranges, and --ignore-scripts runs no install script).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [out, ...specs] = process.argv.slice(2);
if (!out || specs.length === 0) {
  console.error('usage: runtime-tree.mjs <out> <workspace>[=<path>,…] …');
  process.exit(2);
}
const workspaces = specs.map((spec) => {
  const [dir, paths = 'dist'] = spec.split('=');
  return { dir, paths: paths.split(',').filter(Boolean) };
});

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
    // Next's build cache and TypeScript's incremental state are build-time only.
    cpSync(from, path.join(out, w.dir, p), {
      recursive: true,
      filter: (src) => !/(^|\/)(\.next\/cache|[^/]*\.tsbuildinfo)$/.test(src),
    });
  }
}

execFileSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: out, stdio: 'inherit' });
console.log(`runtime tree for ${workspaces.map((w) => w.dir).join(', ')} in ${out}`);
