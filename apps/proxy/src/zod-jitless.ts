// zod compiles a parser for each object schema with `new Function` on its first parse (its "JIT"), and whether it
// will is decided when the schema is built. The proxy parses with zod rarely, never per request: its flags at
// start, discovery updates, identity answers and tap subscriptions. The generated source and its bytecode were
// memory for nothing: 0.3–0.4 MB of an HTTP/1 hop's peak RSS under load, and about as much for the mTLS pairs
// (README, Performance). main.ts imports this module before any that builds a schema.
import * as z from 'zod';

z.config({ jitless: true });
