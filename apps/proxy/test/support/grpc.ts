// A gRPC service defined without proto files: grpc-js's generic client/server with JSON serialisers. The server
// answers unary, server-streaming and client-streaming calls, can fail with a chosen status, echoes metadata and
// sets trailers, and counts the calls its clients cancelled.
import * as grpc from '@grpc/grpc-js';

export interface HelloRequest {
  readonly name: string;
  /** Fail with this gRPC status instead of answering. */
  readonly code?: number;
  /** Never answer (the client's deadline or cancel must reach the server). */
  readonly hang?: boolean;
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
  close(): Promise<void>;
}

function trailer(): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('x-app-trailer', 'done');
  return md;
}

export async function startGreeterServer(listen: string): Promise<GreeterServer> {
  let cancelled = 0;
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
      if (req.hang) return;
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
      call.on('data', (r: HelloRequest) => names.push(r.name));
      call.on('end', () => callback(null, { message: `hello ${names.join(', ')}` }, trailer()));
    },
  } as grpc.UntypedServiceImplementation);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return {
    addr: listen,
    cancelled: () => cancelled,
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

/** Client streaming: sends `names` one message each, resolves with the single reply (or the error). */
export function clientStream(client: grpc.Client, names: readonly string[]) {
  return new Promise<{ reply?: HelloReply; error?: grpc.ServiceError }>((resolve) => {
    const call = methods(client).collect((error: grpc.ServiceError | null, reply?: HelloReply) => resolve({ reply, error: error ?? undefined }));
    for (const name of names) call.write({ name });
    call.end();
  });
}
