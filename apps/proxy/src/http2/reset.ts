// Which RST_STREAM code to send on one hop when the other hop's stream was reset. Codes that describe the peer's
// intent (cancel, refused, calm down, no error) pass through; codes that describe a fault of that one connection
// (protocol, flow control, frame size…) say nothing to the other side but "internal error". Pure.
import { NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_HTTP_1_1_REQUIRED, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM } from './codes.js';

const endToEnd: ReadonlySet<number> = new Set([
  NGHTTP2_NO_ERROR,
  NGHTTP2_REFUSED_STREAM,
  NGHTTP2_CANCEL,
  NGHTTP2_ENHANCE_YOUR_CALM,
  NGHTTP2_HTTP_1_1_REQUIRED,
]);

export function propagatedResetCode(code: number): number {
  return endToEnd.has(code) ? code : NGHTTP2_INTERNAL_ERROR;
}
