// Headers the mesh adds or reads (Linkerd's `l5d-*` equivalents). A client must not be able to set them.
export const meshHeaders = {
  /** On responses the proxy generated itself: the cause (`no-endpoints`, `connect-refused`, …). */
  proxyError: 'signalbox-proxy-error',
  clientId: 'signalbox-client-id',
  origProto: 'signalbox-orig-proto',
  dstOverride: 'signalbox-dst-override',
} as const;
