import { constants as c } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { propagatedResetCode } from './reset.js';

describe('propagatedResetCode', () => {
  it.each([
    [c.NGHTTP2_NO_ERROR, c.NGHTTP2_NO_ERROR],
    [c.NGHTTP2_CANCEL, c.NGHTTP2_CANCEL],
    [c.NGHTTP2_REFUSED_STREAM, c.NGHTTP2_REFUSED_STREAM],
    [c.NGHTTP2_ENHANCE_YOUR_CALM, c.NGHTTP2_ENHANCE_YOUR_CALM],
    [c.NGHTTP2_HTTP_1_1_REQUIRED, c.NGHTTP2_HTTP_1_1_REQUIRED],
    [c.NGHTTP2_PROTOCOL_ERROR, c.NGHTTP2_INTERNAL_ERROR],
    [c.NGHTTP2_INTERNAL_ERROR, c.NGHTTP2_INTERNAL_ERROR],
    [c.NGHTTP2_FLOW_CONTROL_ERROR, c.NGHTTP2_INTERNAL_ERROR],
    [c.NGHTTP2_STREAM_CLOSED, c.NGHTTP2_INTERNAL_ERROR],
    [c.NGHTTP2_FRAME_SIZE_ERROR, c.NGHTTP2_INTERNAL_ERROR],
    [c.NGHTTP2_COMPRESSION_ERROR, c.NGHTTP2_INTERNAL_ERROR],
  ])('%i → %i', (code, expected) => expect(propagatedResetCode(code)).toBe(expected));
});
