import { describe, expect, it } from 'vitest';
import { formatTapResource, parseTapKind, parseTapResource } from './tap-target.js';
import { tapKinds, tapResourceSchema } from './tap.js';

describe('parseTapKind', () => {
  it.each([
    ['deploy', 'deployment'],
    ['Deployments', 'deployment'],
    ['sts', 'statefulset'],
    ['statefulsets', 'statefulset'],
    ['ds', 'daemonset'],
    ['rs', 'replicaset'],
    ['job', 'job'],
    ['jobs', 'job'],
    ['po', 'pod'],
    ['ns', 'namespace'],
    ['namespaces', 'namespace'],
    ['svc', null],
    ['cronjob', null],
    ['', null],
  ])('%s → %s', (text, kind) => expect(parseTapKind(text)).toBe(kind));
});

describe('parseTapResource', () => {
  it.each([
    ['deploy/books', { namespace: 'demo', kind: 'deployment', name: 'books' }],
    ['sts/db', { namespace: 'demo', kind: 'statefulset', name: 'db' }],
    ['ds/agent', { namespace: 'demo', kind: 'daemonset', name: 'agent' }],
    ['rs/web-5d8f', { namespace: 'demo', kind: 'replicaset', name: 'web-5d8f' }],
    ['job/migrate', { namespace: 'demo', kind: 'job', name: 'migrate' }],
    ['po/books-0', { namespace: 'demo', kind: 'pod', name: 'books-0' }],
    ['ns/shop', { namespace: 'shop', kind: 'namespace', name: 'shop' }],
  ])('%s', (text, resource) => {
    expect(parseTapResource(text, 'demo')).toEqual(resource);
    expect(tapResourceSchema.parse(resource)).toEqual(resource);
  });

  it('takes ns/<name> whatever the namespace flag says', () => {
    expect(parseTapResource('ns/shop', 'Not_A_Name')).toEqual({ namespace: 'shop', kind: 'namespace', name: 'shop' });
    expect(parseTapResource('deploy/books', 'Not_A_Name')).toEqual({ error: '"Not_A_Name" is not a namespace name' });
  });

  it.each([
    ['deploy', /expected <kind>\/<name>/],
    ['deploy/', /expected <kind>\/<name>/],
    ['deploy/a/b', /expected <kind>\/<name>/],
    ['svc/books', /^cannot tap "svc": use deploy, sts, ds, rs, job, po or ns/],
    ['sts/DB', /"DB" is not a resource name/],
  ])('refuses %s', (text, message) => {
    const r = parseTapResource(text, 'demo');
    expect('error' in r && r.error).toMatch(message);
  });
});

describe('formatTapResource', () => {
  it.each(tapKinds)('writes %s in words parseTapResource reads back', (kind) => {
    const resource = { namespace: 'demo', kind, name: 'demo' };
    expect(parseTapResource(formatTapResource(resource), 'demo')).toEqual(resource);
  });

  it('uses kubectl’s short names', () => expect(formatTapResource({ kind: 'statefulset', name: 'db' })).toBe('sts/db'));
});
