// `signalbox tap` lines exactly as `linkerd viz tap` prints them (viz/cmd/tap.go renderTapEvent), including the
// space after `proxy=in` that aligns it with `out`; `-o wide` appends the peers' meta labels, sorted.
import { tapTls, type TapEvent, type TapPeer } from '@signalbox/shared';

/** gRPC status names as Go's codes.Code prints them. */
const grpcNames = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
  'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented',
  'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];

export function grpcStatusName(code: number): string {
  return grpcNames[code] ?? `Code(${code})`;
}

export interface FormatOptions {
  readonly wide?: boolean;
}

export function formatTapEvent(event: TapEvent, { wide = false }: FormatOptions = {}): string {
  const proxy = event.direction === 'inbound' ? 'in ' : 'out';
  const flow = `proxy=${proxy} src=${event.source.addr} dst=${event.destination.addr} tls=${tapTls(event)}`;
  const id = `id=${event.id.base}:${event.id.stream}`;
  let line: string;
  if ('requestInit' in event) {
    const r = event.requestInit;
    line = `req ${id} ${flow} :method=${r.method} :authority=${r.authority} :path=${r.path}`;
  } else if ('responseInit' in event) {
    const r = event.responseInit;
    line = `rsp ${id} ${flow} :status=${r.status} latency=${r.sinceRequestInitUs}µs`;
  } else {
    const r = event.responseEnd;
    const eos =
      r.grpcStatus !== undefined ? ` grpc-status=${grpcStatusName(r.grpcStatus)}` : r.resetError !== undefined ? ` reset-error=${r.resetError}` : '';
    line = `end ${id} ${flow}${eos} duration=${r.sinceResponseInitUs}µs response-length=${r.responseBytes}B`;
  }
  return wide ? [line, ...metaLabels('src', event.source), ...metaLabels('dst', event.destination)].join(' ') : line;
}

function metaLabels(side: 'src' | 'dst', peer: TapPeer): string[] {
  return Object.entries(peer.meta)
    .map(([k, v]) => `${side}_${k}=${v}`)
    .sort();
}
