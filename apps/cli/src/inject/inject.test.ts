// Injection per workload kind, idempotence, the opt-out, untouched documents, and refusals with document numbers.
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { injectObject } from './inject.js';
import { injectManifests, ManifestError } from './manifests.js';
import { iptablesScript, type ProxySpecOptions } from './proxy-spec.js';
import { meshIdentity, parseConfig } from '../../../proxy/src/config.js';

const anchorPem = '-----BEGIN CERTIFICATE-----\nMIIBanchor\n-----END CERTIFICATE-----\n';
const options: ProxySpecOptions = {
  controlPlaneNamespace: 'signalbox',
  imageRegistry: 'r',
  trustDomain: 'cluster.local',
  trustAnchorsPem: anchorPem,
  skipInboundPorts: [],
  skipOutboundPorts: ['3306'],
  clusterNetworks: ['10.96.0.0/12', 'fd00:10::/64'],
};
const podSpec = { containers: [{ name: 'app', image: 'a', ports: [{ containerPort: 7000 }] }] };
const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };

/** A Deployment whose pod template carries `annotations`, and its template once injected. */
const deployment = (annotations?: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'w' },
  spec: { template: { ...template, metadata: { ...template.metadata, ...(annotations ? { annotations } : {}) } } },
});
type Annotated = {
  spec: {
    template: { metadata: { annotations: Record<string, string> }; spec: { initContainers: { args: string[] }[]; containers: { name: string; env?: { name: string; value?: string }[] }[] } };
  };
};
const injected = (o: unknown) => (o as Annotated).spec.template;

type Injected = { spec: { containers: { name: string; env?: { name: string; value?: string }[] }[]; initContainers: { name: string }[]; volumes: { name: string }[] }; metadata: { labels?: Record<string, string> } };

describe('injectObject', () => {
  it.each([
    ['Deployment', { spec: { template } }, (o: unknown) => (o as { spec: { template: Injected } }).spec.template, 'signalbox.io/proxy-deployment'],
    ['StatefulSet', { spec: { template } }, (o: unknown) => (o as { spec: { template: Injected } }).spec.template, 'signalbox.io/proxy-statefulset'],
    ['DaemonSet', { spec: { template } }, (o: unknown) => (o as { spec: { template: Injected } }).spec.template, 'signalbox.io/proxy-daemonset'],
    ['ReplicaSet', { spec: { template } }, (o: unknown) => (o as { spec: { template: Injected } }).spec.template, 'signalbox.io/proxy-replicaset'],
    ['Job', { spec: { template } }, (o: unknown) => (o as { spec: { template: Injected } }).spec.template, 'signalbox.io/proxy-job'],
    ['CronJob', { spec: { jobTemplate: { spec: { template } } } }, (o: unknown) => (o as { spec: { jobTemplate: { spec: { template: Injected } } } }).spec.jobTemplate.spec.template, 'signalbox.io/proxy-cronjob'],
    ['Pod', { spec: podSpec }, (o: unknown) => o as Injected, undefined],
  ])('%s: proxy first, init container, token volume, owner label', (kind, body, templateOf, label) => {
    const input = { apiVersion: 'x', kind, metadata: { name: 'w' }, ...structuredClone(body) };
    const before = structuredClone(input);
    const { object, report } = injectObject(input, options);
    expect(input).toEqual(before);
    expect(report).toEqual([{ name: `${kind.toLowerCase()}/w`, outcome: 'injected' }]);
    const t = templateOf(object);
    expect(t.spec.containers.map((c) => c.name)).toEqual(['signalbox-proxy', 'app']);
    expect(t.spec.containers[0]?.env?.find((e) => e.name === 'SIGNALBOX_APP_ADDR')?.value).toBe('127.0.0.1:7000');
    expect(t.spec.containers[0]?.env?.find((e) => e.name === 'SIGNALBOX_INTERCEPT')?.value).toBe('true');
    expect(t.spec.initContainers.map((c) => c.name)).toEqual(['signalbox-init']);
    expect(t.spec.volumes.map((v) => v.name)).toEqual(['signalbox-identity-token']);
    if (label) expect(t.metadata.labels?.[label]).toBe('w');
    else expect(Object.keys(t.metadata.labels ?? {}).filter((k) => k.startsWith('signalbox.io/'))).toEqual([]);
  });

  it('is idempotent, honours signalbox.io/inject: disabled, and leaves other kinds alone', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { template } };
    const once = injectObject(deployment, options).object;
    const twice = injectObject(once, options);
    expect(twice.object).toBe(once);
    expect(twice.report[0]?.outcome).toBe('already injected');
    const optedOut = { ...deployment, spec: { template: { ...template, metadata: { annotations: { 'signalbox.io/inject': 'disabled' } } } } };
    expect(injectObject(optedOut, options)).toEqual({ object: optedOut, report: [{ name: 'deployment/w', outcome: 'disabled by annotation' }] });
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } };
    expect(injectObject(svc, options).object).toBe(svc);
  });

  it('records the skipped inbound ports on the pod template, adding those its annotation already names', () => {
    const plain = injected(injectObject(deployment(), options).object);
    expect(plain.metadata.annotations).not.toHaveProperty('config.signalbox.io/skip-inbound-ports');
    const flagged = injected(injectObject(deployment({ 'config.signalbox.io/skip-inbound-ports': '25, 8000-8010, http' }), { ...options, skipInboundPorts: ['6379', '25'] }).object);
    // "http" is no port: kept in the annotation, skipped by nobody (discovery ignores it too).
    expect(flagged.metadata.annotations['config.signalbox.io/skip-inbound-ports']).toBe('25,8000-8010,6379,http');
    // The init container skips exactly the ports the annotation names, so discovery and iptables agree.
    expect(flagged.spec.initContainers[0]?.args[0]).toContain('-A SIGNALBOX_INBOUND -p tcp -m multiport --dports 4190,4191,25,8000:8010,6379 -j RETURN');
  });

  it('gives the proxy the template’s opaque ports (plus --opaque-ports) as SIGNALBOX_OPAQUE_PORTS, replacing its default list', () => {
    const env = (t: ReturnType<typeof injected>) => Object.fromEntries((t.spec.containers[0]?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])));
    // The proxy's own reading of what inject wrote.
    const opaque = (t: ReturnType<typeof injected>) => parseConfig([], { SIGNALBOX_OPAQUE_PORTS: env(t).SIGNALBOX_OPAQUE_PORTS }).opaquePorts;

    const plain = injected(injectObject(deployment(), options).object);
    expect(env(plain)).not.toHaveProperty('SIGNALBOX_OPAQUE_PORTS');
    expect(plain.metadata.annotations).not.toHaveProperty('config.signalbox.io/opaque-ports');
    expect(opaque(plain)).toEqual([25, 587, 3306, 4444, 5432, 6379, 9300, 11211]);

    // A bad entry is ignored, as discovery ignores it, so the proxy and discovery agree; it stays in the annotation
    // (nothing the user wrote is lost) and inject says so.
    const result = injectObject(deployment({ 'config.signalbox.io/opaque-ports': '7000, 9000-9002, mysql' }), options);
    const annotated = injected(result.object);
    expect(env(annotated).SIGNALBOX_OPAQUE_PORTS).toBe('7000,9000-9002');
    expect(opaque(annotated)).toEqual([7000, 9000, 9001, 9002]);
    expect(annotated.metadata.annotations['config.signalbox.io/opaque-ports']).toBe('7000,9000-9002,mysql');
    expect(result.report).toEqual([
      { name: 'deployment/w', outcome: 'injected', notes: ['config.signalbox.io/opaque-ports: ignored "mysql" (not a port or a range like 8000-8010)'] },
    ]);

    const flagged = injected(injectObject(deployment({ 'config.signalbox.io/opaque-ports': '7000' }), { ...options, opaquePorts: ['7100', '7000'] }).object);
    expect(env(flagged).SIGNALBOX_OPAQUE_PORTS).toBe('7000,7100');
    // Recorded on the template: discovery reads it from the pods and tells clients' proxies.
    expect(flagged.metadata.annotations['config.signalbox.io/opaque-ports']).toBe('7000,7100');
    expect(injected(injectObject(deployment(), { ...options, opaquePorts: ['7100'] }).object).metadata.annotations['config.signalbox.io/opaque-ports']).toBe('7100');

    // Empty: no opaque ports at all.
    expect(opaque(injected(injectObject(deployment({ 'config.signalbox.io/opaque-ports': '' }), options).object))).toEqual([]);
  });

  it('leaves an injected workload’s opaque ports alone when injected again', () => {
    const once = injectObject(deployment({ 'config.signalbox.io/opaque-ports': '7000' }), { ...options, opaquePorts: ['7100'] }).object;
    const twice = injectObject(once, { ...options, opaquePorts: ['7200'] });
    expect(twice).toEqual({ object: once, report: [{ name: 'deployment/w', outcome: 'already injected' }] });
    expect(injected(twice.object).spec.containers[0]?.env?.filter((e) => e.name === 'SIGNALBOX_OPAQUE_PORTS')).toEqual([{ name: 'SIGNALBOX_OPAQUE_PORTS', value: '7000,7100' }]);
  });

  it('injects the items of a List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }] };
    const { object, report } = injectObject(list, options);
    expect(report.map((r) => r.outcome)).toEqual(['injected', 'not a workload']);
    expect((object as typeof list).items[1]).toBe(list.items[1]);
  });
});

describe('the sidecar’s configuration, as the proxy reads it', () => {
  type Env = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } };
  type Container = V1Container & { env: Env[] };

  /** The env a kubelet gives the container of a pod of this template, in namespace `demo`. */
  function containerEnv(container: Container, spec: V1PodSpec): Record<string, string> {
    const fields: Record<string, string | undefined> = { 'spec.serviceAccountName': spec.serviceAccountName, 'metadata.namespace': 'demo' };
    return Object.fromEntries(
      container.env.map((e) => {
        const value = e.value ?? fields[e.valueFrom?.fieldRef?.fieldPath ?? ''];
        if (value === undefined) throw new Error(`${e.name}: no value the kubelet could give`);
        return [e.name, value];
      }),
    );
  }

  it('parses: identity from the projected token and inline trust anchors, tap on the named port, interception', () => {
    const input = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'books' }, spec: { template: { spec: { ...podSpec, serviceAccountName: 'books' } } } };
    const spec = (injectObject(input, options).object as { spec: { template: { spec: V1PodSpec } } }).spec.template.spec;
    const proxy = spec.containers[0] as Container;
    const config = parseConfig([], containerEnv(proxy, spec));
    const identity = meshIdentity(config);
    expect(identity).toMatchObject({ name: 'books.demo.serviceaccount.identity.signalbox.cluster.local', trustAnchorsPem: anchorPem, trustAnchorsFile: undefined });
    // The token file is the projected ServiceAccount token, bound to the identity service's audience.
    const mount = proxy.volumeMounts?.find((m) => identity?.tokenFile.startsWith(`${m.mountPath}/`));
    const source = spec.volumes?.find((v) => v.name === mount?.name)?.projected?.sources?.[0]?.serviceAccountToken;
    expect(source && `${mount?.mountPath}/${source.path}`).toBe(identity?.tokenFile);
    expect(source?.audience).toBe('identity.signalbox.io');
    expect(config.tapListen).toBe('0.0.0.0:4190');
    expect(proxy.ports).toContainEqual({ name: 'signalbox-tap', containerPort: 4190 });
    expect(config).toMatchObject({ intercept: true, app: '127.0.0.1:7000', inbound: '0.0.0.0:4143', admin: '0.0.0.0:4191' });
    expect(config.clusterNetworks).toEqual(['10.96.0.0/12', 'fd00:10::/64']);
    expect(config.controlPlane).toBe('http://signalbox-api.signalbox.svc.cluster.local:8085');
  });
});

describe('injectManifests', () => {
  const text = '# a comment kept\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: app, image: a }] }\n---\n';

  it('prints documents left alone as read and injected ones re-serialised; a second pass changes nothing', () => {
    const once = injectManifests([{ source: 'in.yaml', text }], options).yaml;
    expect(once.startsWith('---\n# a comment kept\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\n')).toBe(true);
    expect(parseAllDocuments(once)).toHaveLength(2);
    expect(injectManifests([{ source: 'out.yaml', text: once }], options).yaml).toBe(once);
  });

  it.each([
    ['bad YAML', 'apiVersion: v1\nkind: Pod\n---\nkind: [unclosed\n', 2, /document 2: /],
    ['a scalar document', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\njust words\n', 2, /not a Kubernetes object/],
    ['no kind', 'apiVersion: v1\nmetadata: {name: p}\n', 1, /missing "kind"/],
    ['no apiVersion', 'kind: Pod\n', 1, /missing "apiVersion"/],
  ])('refuses %s with the document number and reason', (_what, input, document, reason) => {
    let error: unknown;
    try {
      injectManifests([{ source: 'in.yaml', text: input }], options);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).document).toBe(document);
    expect((error as ManifestError).message).toMatch(reason);
    expect((error as ManifestError).message).toMatch(/^in\.yaml: /);
  });
});

describe('iptablesScript', () => {
  it('redirects inbound TCP to 4143 and outbound to 4140, skipping the proxy UID, loopback, the tap and admin ports and skipped ports', () => {
    const script = iptablesScript({ skipInboundPorts: ['22', '8000-8010'], skipOutboundPorts: ['3306'] });
    expect(script).toContain('iptables -t nat -A SIGNALBOX_IN_REDIRECT -p tcp -j REDIRECT --to-port 4143');
    expect(script).toContain('iptables -t nat -A SIGNALBOX_INBOUND -p tcp -m multiport --dports 4190,4191,22,8000:8010 -j RETURN');
    expect(script).toContain('iptables -t nat -A SIGNALBOX_OUT_REDIRECT -p tcp -j REDIRECT --to-port 4140');
    expect(script).toContain('iptables -t nat -A SIGNALBOX_OUTPUT -m owner --uid-owner 2102 -j RETURN');
    expect(script).toContain('iptables -t nat -A SIGNALBOX_OUTPUT -o lo -j RETURN');
    expect(script).toContain('iptables -t nat -A SIGNALBOX_OUTPUT -p tcp -m multiport --dports 3306 -j RETURN');
    expect(script.indexOf('--uid-owner')).toBeLessThan(script.indexOf('-j SIGNALBOX_OUT_REDIRECT'));
    // Chain names fit iptables' 28-character limit.
    for (const chain of script.matchAll(/-N (\S+)/g)) expect(chain[1]?.length).toBeLessThanOrEqual(28);
  });

  it('splits long port lists into rules of at most 15 ports (multiport’s limit)', () => {
    const ports = Array.from({ length: 20 }, (_, i) => String(1000 + i));
    const rules = iptablesScript({ skipInboundPorts: [], skipOutboundPorts: ports }).split('\n').filter((l) => l.includes('SIGNALBOX_OUTPUT -p tcp -m multiport'));
    expect(rules).toHaveLength(2);
  });
});
