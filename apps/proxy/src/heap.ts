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

// Old space may grow to twice what the last full collection kept (at least by V8's step of 8 MB) before the next
// one. V8's own factor depends on the heap's size limit, which Node sizes from the machine's memory: here (24 GB,
// a 4 GB limit) up to four times. The proxy's own code promotes little, so its collections hardly change; node:http2
// (--h2-engine=node) promotes ~40 % of what it allocates, which used to pile up to 4 × its ~8 MB live between full
// collections: that engine's peak under h2load -m10 went 86 → 69 MB (hop) and 84 → 67 (pair's outbound), at no CPU
// per request this machine could tell from its noise. Unlike --max-old-space-size, which would lower the factor too,
// it sets no ceiling that a heap could crash on.
v8.setFlagsFromString('--heap-growing-percent=100');
