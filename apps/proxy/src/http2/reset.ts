// Which RST_STREAM code to send on one hop when the other hop's stream was reset. Codes that describe the peer's
// intent (cancel, refused, calm down, no error) pass through; codes that describe a fault of that one connection
// (protocol, flow control, frame size…) say nothing to the other side but "internal error". Pure.
import { constants } from 'node:http2';

const endToEnd: ReadonlySet<number> = new Set([
  constants.NGHTTP2_NO_ERROR,
  constants.NGHTTP2_REFUSED_STREAM,
  constants.NGHTTP2_CANCEL,
  constants.NGHTTP2_ENHANCE_YOUR_CALM,
  constants.NGHTTP2_HTTP_1_1_REQUIRED,
]);

export function propagatedResetCode(code: number): number {
  return endToEnd.has(code) ? code : constants.NGHTTP2_INTERNAL_ERROR;
}
