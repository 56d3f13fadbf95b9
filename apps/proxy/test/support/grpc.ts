// A gRPC service defined without proto files: grpc-js's generic client/server with JSON serialisers. The server
// answers unary, server-streaming and client-streaming calls, can fail with a chosen status, echoes metadata and
// sets trailers, counts the calls its clients cancelled, and can fail a steady share of calls (retries).
import * as grpc from '@grpc/grpc-js';

export interface HelloRequest {
  readonly name: string;
  /** Fail with this gRPC status instead of answering. */
  readonly code?: number;
  /** Never answer (the client's deadline or cancel must reach the server). */
  readonly hang?: boolean;
  /** Fail 3 in every 10 calls of this name (the 2nd, 5th and 8th) with UNAVAILABLE: exactly 30 %. */
  readonly flaky?: boolean;
  /** Padding: makes the request body as large as a test needs. */
  readonly pad?: string;
  readonly count?: number;
}

export interface HelloReply {
  readonly message: string;
}

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString('utf8')) as unknown,
};

function method(path: string, requestStream: boolean, responseStream: boolean) {
  return {
    path,
    requestStream,
    responseStream,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  };
}

export const greeterService = {
  sayHello: method('/demo.Greeter/SayHello', false, false),
  sayHellos: method('/demo.Greeter/SayHellos', false, true),
  collect: method('/demo.Greeter/Collect', true, false),
} satisfies grpc.ServiceDefinition;

export const GreeterClient = grpc.makeGenericClientConstructor(greeterService, 'Greeter');

export interface GreeterServer {
  readonly addr: string;
  cancelled(): number;
  /** Calls received (every method) with this request name, each attempt counted. */
  calls(name: string): number;
  close(): Promise<void>;
}

function trailer(): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('x-app-trailer', 'done');
  return md;
}

const unavailable = (name: string) => ({ code: grpc.status.UNAVAILABLE, details: `flaky ${name}`, metadata: trailer() });

export async function startGreeterServer(listen: string): Promise<GreeterServer> {
  let cancelled = 0;
  const calls = new Map<string, number>();
  const count = (name: string) => {
    const n = (calls.get(name) ?? 0) + 1;
    calls.set(name, n);
    return n;
  };
  const server = new grpc.Server();
  server.addService(greeterService, {
    sayHello(call: grpc.ServerUnaryCall<HelloRequest, HelloReply>, callback: grpc.sendUnaryData<HelloReply>) {
      call.on('cancelled', () => cancelled++);
      const echoed = call.metadata.get('x-request-tag')[0];
      if (echoed !== undefined) {
        const md = new grpc.Metadata();
        md.set('x-echo-tag', String(echoed));
        call.sendMetadata(md);
      }
      const req = call.request;
      const n = count(req.name);
      if (req.hang) return;
      if (req.flaky && [2, 5, 8].includes(n % 10)) return callback(unavailable(req.name));
      if (req.code) return callback({ code: req.code, details: `failing with ${req.code} for ${req.name}`, metadata: trailer() });
      callback(null, { message: `hello ${req.name}` }, trailer());
    },
    sayHellos(call: grpc.ServerWritableStream<HelloRequest, HelloReply>) {
      call.on('cancelled', () => cancelled++);
      for (let i = 0; i < (call.request.count ?? 3); i++) call.write({ message: `hello ${call.request.name} #${i}` });
      call.end(trailer());
    },
    collect(call: grpc.ServerReadableStream<HelloRequest, HelloReply>, callback: grpc.sendUnaryData<HelloReply>) {
      const names: string[] = [];
      let failed = false;
      // A failing first message is answered at once, while the client may still be sending.
      call.once('data', (r: HelloRequest) => {
        count(r.name);
        if (!r.code) return;
        failed = true;
        callback({ code: r.code, details: `failing with ${r.code} for ${r.name}`, metadata: trailer() });
      });
      call.on('data', (r: HelloRequest) => names.push(r.name));
      call.on('end', () => failed || callback(null, { message: `hello ${names.join(', ')}` }, trailer()));
    },
  } as grpc.UntypedServiceImplementation);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return {
    addr: listen,
    cancelled: () => cancelled,
    calls: (name) => calls.get(name) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        server.forceShutdown();
        r();
      }),
  };
}

/** A client to `proxyAddr` (the outbound proxy) that names `authority` as its destination. */
export function greeterClient(proxyAddr: string, authority: string): grpc.Client {
  return new GreeterClient(proxyAddr, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority });
}

export function unary(client: grpc.Client, req: HelloRequest, options: { deadlineMs?: number; metadata?: grpc.Metadata } = {}) {
  return new Promise<{ reply?: HelloReply; error?: grpc.ServiceError; header?: grpc.Metadata; trailer?: grpc.Metadata }>((resolve) => {
    let header: grpc.Metadata | undefined;
    let result: { reply?: HelloReply; error?: grpc.ServiceError } | undefined;
    let status: grpc.StatusObject | undefined;
    // grpc-js calls back before it emits 'status' (which carries the trailers): resolve once both happened.
    const settle = () => {
      if (result && status) resolve({ ...result, header, trailer: status.metadata });
    };
    const callOptions = options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {};
    const call = methods(client).sayHello(
      req,
      options.metadata ?? new grpc.Metadata(),
      callOptions,
      (error: grpc.ServiceError | null, reply?: HelloReply) => {
        result = { reply, error: error ?? undefined };
        settle();
      },
    );
    call.on('metadata', (md: grpc.Metadata) => (header = md));
    call.on('status', (s: grpc.StatusObject) => {
      status = s;
      settle();
    });
  });
}

type AnyCall = grpc.ClientUnaryCall & grpc.ClientReadableStream<HelloReply> & grpc.ClientWritableStream<HelloRequest>;
function methods(client: grpc.Client): Record<'sayHello' | 'sayHellos' | 'collect', (...args: unknown[]) => AnyCall> {
  return client as unknown as Record<'sayHello' | 'sayHellos' | 'collect', (...args: unknown[]) => AnyCall>;
}

/** Server streaming: every message, then the status and its trailers. */
export function serverStream(client: grpc.Client, req: HelloRequest) {
  return new Promise<{ replies: HelloReply[]; status: grpc.StatusObject }>((resolve) => {
    const replies: HelloReply[] = [];
    const call = methods(client).sayHellos(req);
    call.on('data', (r: HelloReply) => replies.push(r));
    call.on('error', () => {});
    call.on('status', (status: grpc.StatusObject) => resolve({ replies, status }));
  });
}

/**
 * Client streaming: sends `requests` one message each, resolves with the single reply (or the error). `end`
 * false leaves the request stream open until the answer came (then cancels what is left of the call).
 */
export function clientStream(client: grpc.Client, requests: readonly (string | HelloRequest)[], end = true) {
  return new Promise<{ reply?: HelloReply; error?: grpc.ServiceError }>((resolve) => {
    const call = methods(client).collect((error: grpc.ServiceError | null, reply?: HelloReply) => {
      if (!end) call.cancel();
      resolve({ reply, error: error ?? undefined });
    });
    for (const r of requests) call.write(typeof r === 'string' ? { name: r } : r);
    if (end) call.end();
  });
}
