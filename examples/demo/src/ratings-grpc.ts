// The `ratings` service speaks gRPC (HTTP/2), so the demo's mesh carries gRPC too. Messages are JSON: grpc-js
// takes any serialiser, which spares the demo a proto toolchain.
import * as grpc from '@grpc/grpc-js';
import { parseHostPort } from '@signalbox/shared';

const GET = '/signalbox.demo.Ratings/Get';
const serialize = (value: unknown) => Buffer.from(JSON.stringify(value));
const deserialize = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));

export interface Rating {
  readonly bookId: number;
  readonly stars: number;
}

const ratingsService: grpc.ServiceDefinition = {
  Get: {
    path: GET,
    requestStream: false,
    responseStream: false,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  },
};

/**
 * Unknown books answer NOT_FOUND (a success to the mesh, as in Linkerd's gRPC classification); one call in twenty
 * answers UNAVAILABLE (a failure).
 */
export async function startRatingsServer(listen: string, { failEvery = 20 } = {}): Promise<grpc.Server> {
  let count = 0;
  const server = new grpc.Server();
  server.addService(ratingsService, {
    Get: (call: grpc.ServerUnaryCall<{ bookId?: unknown }, Rating>, callback: grpc.sendUnaryData<Rating>) => {
      count += 1;
      const bookId = Number(call.request.bookId);
      if (count % failEvery === 0) return callback({ code: grpc.status.UNAVAILABLE, details: 'ratings store busy' });
      if (!Number.isInteger(bookId) || bookId < 1 || bookId > 3)
        return callback({ code: grpc.status.NOT_FOUND, details: `no ratings for book ${String(call.request.bookId)}` });
      callback(null, { bookId, stars: 3 + (bookId % 3) });
    },
  });
  const addr = parseHostPort(listen);
  if (!addr) throw new Error(`bad listen address ${listen}`);
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  return server;
}

/** A client that reaches `authority` through the caller's outbound proxy, as `grpc_proxy`-less gRPC apps do. */
export function createRatingsClient(outboundProxy: string, authority: string) {
  const client = new grpc.Client(outboundProxy, grpc.credentials.createInsecure(), {
    'grpc.default_authority': authority,
  });
  const get = (bookId: number, timeoutMs = 2000): Promise<Rating> =>
    new Promise((resolve, reject) =>
      client.makeUnaryRequest<{ bookId: number }, Rating>(
        GET,
        serialize,
        deserialize as (b: Buffer) => Rating,
        { bookId },
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, value) => (err || !value ? reject(err ?? new Error('empty reply')) : resolve(value)),
      ),
    );
  return { get, close: () => client.close() };
}
