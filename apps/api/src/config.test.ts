import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('applies defaults', () => {
    expect(parseConfig(['--registry', 'reg.yaml'], {})).toEqual({
      listen: { host: '127.0.0.1', port: 8085 },
      discovery: { kind: 'static', registryFile: 'reg.yaml' },
      prometheusUrl: 'http://127.0.0.1:9090',
      fileSdPath: undefined,
      tapPingIntervalMs: 10_000,
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      SIGNALBOX_API_ADDR: '127.0.0.1:9000',
      SIGNALBOX_REGISTRY: 'env.yaml',
      SIGNALBOX_PROMETHEUS_URL: 'http://prom:9090',
      SIGNALBOX_FILE_SD: '/tmp/sd.json',
    };
    expect(parseConfig([], env)).toEqual({
      listen: { host: '127.0.0.1', port: 9000 },
      discovery: { kind: 'static', registryFile: 'env.yaml' },
      prometheusUrl: 'http://prom:9090',
      fileSdPath: '/tmp/sd.json',
      tapPingIntervalMs: 10_000,
    });
    expect(parseConfig(['--listen=0.0.0.0:1', '--registry=flag.yaml'], env)).toMatchObject({
      listen: { host: '0.0.0.0', port: 1 },
      discovery: { kind: 'static', registryFile: 'flag.yaml' },
    });
  });

  it('takes the proxies\' tap token and the clients\' tap auth token, from flags or environment', () => {
    const env = { SIGNALBOX_TAP_TOKEN: 'proxy-token-0123456789', SIGNALBOX_TAP_AUTH_TOKEN: 'client-token-0123456789' };
    expect(parseConfig(['--registry=r'], env)).toMatchObject({ tapToken: 'proxy-token-0123456789', tapAuthToken: 'client-token-0123456789' });
    expect(parseConfig(['--registry=r', '--tap-auth-token=flag-token-0123456789'], env).tapAuthToken).toBe('flag-token-0123456789');
  });

  it('takes the tap ping interval as a duration, from a flag or the environment', () => {
    expect(parseConfig(['--registry=r', '--tap-ping-interval=500ms'], {}).tapPingIntervalMs).toBe(500);
    expect(parseConfig(['--registry=r'], { SIGNALBOX_TAP_PING_INTERVAL: '30s' }).tapPingIntervalMs).toBe(30_000);
  });

  it.each([
    [[], /--registry: missing/],
    [['--registry=r', '--tap-ping-interval=10'], /--tap-ping-interval: must be a duration/],
    [['--registry=r', '--tap-ping-interval=50ms'], /--tap-ping-interval: must be between 100ms and 5m/],
    [['--registry=r', '--tap-token=short'], /--tap-token: must be at least 16 characters/],
    [['--registry=r', '--listen=nope'], /--listen: expected "host:port"/],
    [['--registry=r', '--prometheus-url=ftp://x'], /--prometheus-url: /],
    [['--registry=r', '--bogus'], /bogus/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(message);
  });
});

describe('parseConfig: discovery', () => {
  it('uses the Kubernetes API with --discovery=kubernetes, in-cluster unless --kubeconfig names a file', () => {
    expect(parseConfig(['--discovery=kubernetes'], {}).discovery).toEqual({ kind: 'kubernetes', kubeconfig: undefined });
    expect(parseConfig(['--discovery=kubernetes', '--kubeconfig=/k'], {}).discovery).toEqual({ kind: 'kubernetes', kubeconfig: '/k' });
    expect(parseConfig([], { SIGNALBOX_DISCOVERY: 'kubernetes', SIGNALBOX_KUBECONFIG: '/e' }).discovery).toEqual({ kind: 'kubernetes', kubeconfig: '/e' });
  });

  it.each([
    [['--discovery=consul'], /--discovery: /],
    [['--discovery=kubernetes', '--registry=r'], /--registry: not used with --discovery=kubernetes/],
    [['--registry=r', '--kubeconfig=/k'], /--kubeconfig: only used with --discovery=kubernetes/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(message);
  });
});

describe('parseConfig: identity', () => {
  const base = ['--registry', 'reg.yaml'];
  it('is off without a CA', () => {
    expect(parseConfig(base, {}).identity).toBeUndefined();
  });

  it('an identity dir with the defaults, or the user files with a lifetime and trust domain', () => {
    expect(parseConfig([...base, '--identity-dir=/var/sb'], {}).identity).toEqual({ ca: { dir: '/var/sb' }, trustDomain: 'cluster.local', certLifetimeMs: 86_400_000 });
    expect(
      parseConfig([...base, '--trust-anchors-file=a', '--issuer-cert-file=b', '--issuer-key-file=c', '--trust-domain=example.org', '--identity-cert-lifetime=20s'], {}).identity,
    ).toEqual({ ca: { trustAnchorsFile: 'a', issuerCertFile: 'b', issuerKeyFile: 'c' }, trustDomain: 'example.org', certLifetimeMs: 20_000 });
    expect(parseConfig(base, { SIGNALBOX_IDENTITY_DIR: '/x', SIGNALBOX_IDENTITY_CERT_LIFETIME: '90m' }).identity?.certLifetimeMs).toBe(5_400_000);
  });

  it.each([
    [['--identity-dir=/x', '--issuer-key-file=c'], /--identity-dir: give either/],
    [['--issuer-key-file=c'], /--trust-anchors-file: needs all of/],
    [['--trust-domain=example.org'], /--trust-domain: needs --identity-dir/],
    [['--identity-dir=/x', '--identity-cert-lifetime=1s'], /--identity-cert-lifetime: must be between 10s and 365d/],
    [['--identity-dir=/x', '--identity-cert-lifetime=soon'], /--identity-cert-lifetime: must be a duration/],
    [['--identity-dir=/x', '--trust-domain=Bad_Domain'], /--trust-domain: must be lowercase DNS labels/],
  ])('%j is refused', (flags, message) => {
    expect(() => parseConfig([...base, ...flags], {})).toThrow(message);
  });
});
