// The HTTP/2 codes the proxy names (RFC 9113 §7 error codes, §6.1 the END_STREAM flag), with node:http2's names and
// values. They live here rather than coming from node:http2's `constants` because the modules that name them are
// on every connection's path, and node:http2 is loaded only when a connection or peer speaks HTTP/2 (server.ts, client.ts).
export const NGHTTP2_NO_ERROR = 0;
export const NGHTTP2_INTERNAL_ERROR = 2;
export const NGHTTP2_REFUSED_STREAM = 7;
export const NGHTTP2_CANCEL = 8;
export const NGHTTP2_ENHANCE_YOUR_CALM = 11;
export const NGHTTP2_HTTP_1_1_REQUIRED = 13;
export const NGHTTP2_FLAG_END_STREAM = 1;
