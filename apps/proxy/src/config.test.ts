import { describe, expect, it } from 'vitest';
import { meshIdentity, parseConfig, tapClientIdentity } from './config.js';

describe('parseConfig', () => {
  it('uses Linkerd-like defaults', () => {
    expect(parseConfig([], {})).toMatchObject({
      outbound: '127.0.0.1:4140',
      inbound: '127.0.0.1:4143',
      admin: '127.0.0.1:4191',
      app: '127.0.0.1:8080',
      controlPlane: 'http://127.0.0.1:8085',
      failfastTimeout: 3000,
      connectTimeout: 1000,
      shutdownGrace: 30_000,
    });
  });

  it('lets flags win over env, in both flag spellings', () => {
    const c = parseConfig(['--inbound=127.0.0.1:1', '--failfast-timeout', '50'], {
      SIGNALBOX_INBOUND_ADDR: '127.0.0.1:2',
      SIGNALBOX_APP_ADDR: '127.0.0.1:3',
    });
    expect([c.inbound, c.app, c.failfastTimeout]).toEqual(['127.0.0.1:1', '127.0.0.1:3', 50]);
  });

  it.each([
    [['--inbound=nonsense'], '--inbound'],
    [['--failfast-timeout=-3'], '--failfast-timeout'],
    [['--control-plane=ftp://x'], '--control-plane'],
    [['--bogus=1'], '--bogus'],
    [['--admin'], '--admin'],
  ])('rejects %j naming %s', (argv, flag) => {
    expect(() => parseConfig(argv, {})).toThrow(flag);
  });

  it('serves HTTP/2 with its own framing unless --h2-engine says node', () => {
    expect(parseConfig([], {}).h2Engine).toBe('wire');
    expect(parseConfig(['--h2-engine=node'], {}).h2Engine).toBe('node');
    expect(parseConfig(['--h2-engine', 'node'], {}).h2Engine).toBe('node');
    expect(parseConfig([], { SIGNALBOX_H2_ENGINE: 'node' }).h2Engine).toBe('node');
    expect(() => parseConfig(['--h2-engine=nghttp2'], {})).toThrow('--h2-engine');
  });

  it('relays opaque TCP natively unless --tcp-relay says js', () => {
    expect(parseConfig([], {}).tcpRelay).toBe('native');
    expect(parseConfig(['--tcp-relay=js'], {}).tcpRelay).toBe('js');
    expect(parseConfig([], { SIGNALBOX_TCP_RELAY: 'js' }).tcpRelay).toBe('js');
    expect(() => parseConfig(['--tcp-relay=splice'], {})).toThrow('--tcp-relay');
  });

  it('picks the peer protocol per peer (auto) unless --peer-protocol says http1 or http2', () => {
    expect(parseConfig([], {}).peerProtocol).toBe('auto');
    expect(parseConfig(['--peer-protocol=http1'], {}).peerProtocol).toBe('http1');
    expect(parseConfig(['--peer-protocol=http2'], {}).peerProtocol).toBe('http2');
    expect(parseConfig([], { SIGNALBOX_PEER_PROTOCOL: 'http2' }).peerProtocol).toBe('http2');
    expect(() => parseConfig(['--peer-protocol=h3'], {})).toThrow('--peer-protocol');
  });

  it('takes the cluster networks as a CIDR list (--cluster-networks, SIGNALBOX_CLUSTER_NETWORKS), Linkerd’s by default', () => {
    expect(parseConfig([], {}).clusterNetworks).toEqual(['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8']);
    expect(parseConfig(['--cluster-networks=10.96.0.0/12, fd00:10::/64'], { SIGNALBOX_CLUSTER_NETWORKS: '127.0.0.0/8' }).clusterNetworks).toEqual(['10.96.0.0/12', 'fd00:10::/64']);
    expect(parseConfig([], { SIGNALBOX_CLUSTER_NETWORKS: '127.0.0.0/8' }).clusterNetworks).toEqual(['127.0.0.0/8']);
    expect(() => parseConfig(['--cluster-networks=10.0.0.0/33'], {})).toThrow(/--cluster-networks \(SIGNALBOX_CLUSTER_NETWORKS\)/);
    expect(() => parseConfig(['--cluster-networks=books.demo'], {})).toThrow(/--cluster-networks/);
  });

  it('takes --intercept alone or with a value, and SIGNALBOX_INTERCEPT', () => {
    expect(parseConfig([], {}).intercept).toBe(false);
    expect(parseConfig(['--intercept', '--admin', '127.0.0.1:1'], {})).toMatchObject({ intercept: true, admin: '127.0.0.1:1' });
    expect(parseConfig(['--intercept=false'], { SIGNALBOX_INTERCEPT: 'true' }).intercept).toBe(false);
    expect(parseConfig([], { SIGNALBOX_INTERCEPT: '1' }).intercept).toBe(true);
    expect(() => parseConfig(['--intercept=maybe'], {})).toThrow(/--intercept \(SIGNALBOX_INTERCEPT\)/);
  });

  it("has Linkerd's detection defaults and parses the port list", () => {
    const c = parseConfig([], {});
    expect([c.detectTimeout, c.opaquePorts, c.headerTimeout]).toEqual([10_000, [25, 587, 3306, 4444, 5432, 6379, 9300, 11211], 10_000]);
    expect(parseConfig(['--opaque-ports=6379, 3306'], {}).opaquePorts).toEqual([6379, 3306]);
    expect(parseConfig(['--opaque-ports='], {}).opaquePorts).toEqual([]);
    expect(() => parseConfig(['--opaque-ports=70000'], {})).toThrow('--opaque-ports');
    // The pod's annotation, as inject passes it: ranges expand, and the list replaces the default one.
    expect(parseConfig([], { SIGNALBOX_OPAQUE_PORTS: '7000, 9000-9003' }).opaquePorts).toEqual([7000, 9000, 9001, 9002, 9003]);
    // An empty annotation replaces the default list with nothing; other empty settings still mean "not set".
    expect(parseConfig([], { SIGNALBOX_OPAQUE_PORTS: '' }).opaquePorts).toEqual([]);
    expect(parseConfig([], { SIGNALBOX_DETECT_TIMEOUT_MS: '' }).detectTimeout).toBe(10_000);
    expect(() => parseConfig([], { SIGNALBOX_OPAQUE_PORTS: '7000,mysql' })).toThrow('--opaque-ports (SIGNALBOX_OPAQUE_PORTS): "mysql" is not a port or a range like 8000-8010');
    expect(() => parseConfig(['--opaque-ports=9003-9000'], {})).toThrow('"9003-9000" is not a port or a range');
  });

  it('collects repeatable listen=target flags; flags replace the env list', () => {
    const c = parseConfig(
      ['--outbound-tcp=127.0.0.1:16379=redis.demo:6379', '--outbound-tcp', '127.0.0.1:13306=db.demo:3306'],
      { SIGNALBOX_OUTBOUND_TCP: '127.0.0.1:1=x.demo:1', SIGNALBOX_INBOUND_ROUTES: '127.0.0.1:4243=127.0.0.1:8081,127.0.0.1:4244=127.0.0.1:8082' },
    );
    expect(c.outboundTcp).toEqual([
      { listen: '127.0.0.1:16379', authority: 'redis.demo:6379' },
      { listen: '127.0.0.1:13306', authority: 'db.demo:3306' },
    ]);
    expect(c.inboundRoutes).toEqual([
      { listen: '127.0.0.1:4243', app: '127.0.0.1:8081' },
      { listen: '127.0.0.1:4244', app: '127.0.0.1:8082' },
    ]);
    expect(() => parseConfig(['--inbound-route=127.0.0.1:4243'], {})).toThrow('--inbound-route');
  });

  describe('identity', () => {
    const books = 'books.demo.serviceaccount.identity.signalbox.cluster.local';
    it('is off without a name, and with --identity=off whatever is set', () => {
      expect(meshIdentity(parseConfig([], {}))).toBeUndefined();
      expect(meshIdentity(parseConfig(['--identity=off', `--identity-name=${books}`], {}))).toBeUndefined();
    });

    it('takes a name, or builds it from serviceaccount, namespace and trust domain', () => {
      expect(meshIdentity(parseConfig([`--identity-name=${books}`, '--identity-token-file=/t'], {}))).toEqual({ name: books, tokenFile: '/t', trustAnchorsFile: undefined, trustAnchorsPem: undefined });
      const built = parseConfig(['--identity-serviceaccount=books', '--identity-namespace=demo', '--identity-token-file=/t', '--identity-trust-anchors-file=/ca'], {});
      expect(meshIdentity(built)).toEqual({ name: books, tokenFile: '/t', trustAnchorsFile: '/ca', trustAnchorsPem: undefined });
      expect(meshIdentity(parseConfig(['--identity-serviceaccount=books', '--identity-namespace=demo', '--identity-trust-domain=example.org', '--identity-token-file=/t'], {}))?.name).toBe(
        'books.demo.serviceaccount.identity.signalbox.example.org',
      );
    });

    it('takes the trust anchors inline from SIGNALBOX_IDENTITY_TRUST_ANCHORS (as inject gives them), not with a file too', () => {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      const env = { SIGNALBOX_IDENTITY_NAME: books, SIGNALBOX_IDENTITY_TOKEN_FILE: '/t', SIGNALBOX_IDENTITY_TRUST_ANCHORS: pem };
      expect(meshIdentity(parseConfig([], env))?.trustAnchorsPem).toBe(pem);
      expect(() => parseConfig(['--identity-trust-anchors-file=/ca'], env)).toThrow(/SIGNALBOX_IDENTITY_TRUST_ANCHORS\): give the trust anchors inline or as a file/);
      expect(() => parseConfig([], { ...env, SIGNALBOX_IDENTITY_TRUST_ANCHORS: '/var/run/ca.crt' })).toThrow(/must be PEM certificates/);
    });

    it.each([
      [['--identity=on'], '--identity-name'],
      [[`--identity-name=${books}`], '--identity-token-file'],
      [['--identity-name=books.demo', '--identity-token-file=/t'], '--identity-name'],
      [['--identity-serviceaccount=books', '--identity-token-file=/t'], '--identity-namespace'],
      [[`--identity-name=${books}`, '--identity-serviceaccount=books', '--identity-namespace=demo', '--identity-token-file=/t'], '--identity-name'],
      [['--require-identity-ports=7001'], '--require-identity-ports'],
    ])('rejects %j naming %s', (argv, flag) => {
      expect(() => parseConfig(argv, {})).toThrow(flag);
    });

    it('serves tap over mTLS on --tap-listen to the tap service (default) or --tap-identity, only with an identity', () => {
      const c = parseConfig([`--identity-name=${books}`, '--identity-token-file=/t', '--identity-trust-domain=example.org', '--tap-listen=127.0.0.1:4190'], {});
      expect(c.tapListen).toBe('127.0.0.1:4190');
      expect(tapClientIdentity(c)).toBe('tap.signalbox.serviceaccount.identity.signalbox.example.org');
      const web = 'web.demo.serviceaccount.identity.signalbox.cluster.local';
      expect(tapClientIdentity(parseConfig([`--identity-name=${books}`, '--identity-token-file=/t', `--tap-identity=${web}`], {}))).toBe(web);
      expect(() => parseConfig(['--tap-listen=127.0.0.1:4190'], {})).toThrow(/--tap-listen .*needs an identity/);
      expect(() => parseConfig([`--identity-name=${books}`, '--identity-token-file=/t', '--tap-identity=tap'], {})).toThrow(/--tap-identity/);
    });

    it('parses the ports that require identity', () => {
      expect(parseConfig([`--identity-name=${books}`, '--identity-token-file=/t', '--require-identity-ports=7001,7002'], {}).requireIdentityPorts).toEqual([7001, 7002]);
    });
  });
});
