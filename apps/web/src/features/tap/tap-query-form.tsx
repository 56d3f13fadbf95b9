'use client';
// The tap query form (Linkerd's TapQueryForm): resource, namespace, to-resource and its namespace, method, path,
// authority, scheme, max RPS, headers. Submitting puts the query in the URL, which (re)starts the tap.
import { useState, type FormEvent } from 'react';
import type { TapQuery } from './tap-query';

const METHODS = ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function TapQueryForm({ query, onSubmit, submitLabel }: { query: TapQuery; onSubmit: (q: TapQuery) => void; submitLabel: string }) {
  // Edits stay local until submitted; a new URL (another edge's link) resets them through the `key` the page gives.
  const [draft, setDraft] = useState(query);
  const set = (field: keyof TapQuery) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(draft);
  };
  return (
    <form className="tap-form" onSubmit={submit} aria-label="Tap query">
      <label>
        Resource
        <input name="resource" value={draft.resource} onChange={set('resource')} placeholder="deploy/web" required spellCheck={false} />
      </label>
      <label>
        Namespace
        <input name="namespace" value={draft.namespace} onChange={set('namespace')} placeholder="default" spellCheck={false} />
      </label>
      <label>
        To resource
        <input name="to" value={draft.to} onChange={set('to')} placeholder="deploy/books" spellCheck={false} />
      </label>
      <label>
        To namespace
        <input name="toNamespace" value={draft.toNamespace} onChange={set('toNamespace')} placeholder="same" spellCheck={false} />
      </label>
      <label>
        Method
        <select name="method" value={draft.method} onChange={set('method')}>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m || 'any'}
            </option>
          ))}
        </select>
      </label>
      <label>
        Path prefix
        <input name="path" value={draft.path} onChange={set('path')} placeholder="/books" spellCheck={false} />
      </label>
      <label>
        Authority
        <input name="authority" value={draft.authority} onChange={set('authority')} placeholder="books.demo:7001" spellCheck={false} />
      </label>
      <label>
        Scheme
        <input name="scheme" value={draft.scheme} onChange={set('scheme')} placeholder="http" spellCheck={false} />
      </label>
      <label>
        Max RPS
        <input name="maxRps" value={draft.maxRps} onChange={set('maxRps')} placeholder="100" inputMode="numeric" />
      </label>
      <label className="tap-form-check">
        <input type="checkbox" name="headers" checked={draft.headers} onChange={(e) => setDraft((d) => ({ ...d, headers: e.target.checked }))} />
        Headers
      </label>
      <div className="tap-form-actions">
        <button type="submit" className="button primary">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
