// V8 heap settings the proxy applies to itself at run time, rather than as flags on main.ts's #! line, because one
// of them changes later (young-generation.ts) and a node started without the #! line's flags gets them too.
// main.ts imports this module first, and the proxy runs as one CommonJS script (bundle.mjs), whose module bodies run
// in import order, so the flag is set before the others allocate. Unbundled ES modules would not do: ESM compiles
// and links the whole static import graph before the first module runs, and the flag came too late (new space sat
// at 8 MiB).
//
// The young generation stays at its initial 1 MiB semi-space instead of growing to 8 MiB. A proxy's HTTP/1 garbage
// is per-request and short-lived, so small scavenges stay cheap (and cache-resident), while a grown young generation
// only adds resident memory: under `npm run bench` load an HTTP/1 hop's new space stays at 2 MiB instead of 16, at
// the same or lower CPU per request. HTTP/2 is the exception (young-generation.ts). `--max-semi-space-size` cannot
// be changed once the heap exists; the growth factor is read each time the young generation would grow, so it can.
import v8 from 'node:v8';

v8.setFlagsFromString('--semi-space-growth-factor=1');
