// API keys: the configured ones and those created here, with when each was last used; a new key is shown once, right
// after it is made (only its SHA-256 is stored), and a stored key can be revoked, which every replica honours within a
// second. Configured keys are changed in the configuration, so they are listed without a revoke button.

import * as api from '../api.js';
import { h, fill, time, section, field, announce, thead, uid } from '../dom.js';
import * as problems from '../problems.js';

const SCOPES = [
  ['predict', 'predictions; reading models and deployments'],
  ['train', 'datasets, training jobs, thresholds, imports'],
  ['admin', 'everything: deployments, deletes, keys, the audit trail'],
  ['metrics', 'only GET /metrics, for a scraper'],
];

export async function keysPage(main, signal, created = null, message = '') {
  const { items } = await api.get('/api/keys', { signal });
  const problemBox = problems.box();
  const status = h('p', { class: 'done', role: 'status' }, message);

  const revoke = async (key) => {
    if (!confirm(`Revoke the key "${key.name}"? Every call that sends it is refused from now on, on every replica.`)) return;
    if (await problems.attempt(problemBox, async () => { await api.del(`/api/keys/${encodeURIComponent(key.name)}`); return true; })) {
      const text = `The key "${key.name}" is revoked.`;
      announce(text);
      await keysPage(main, signal, null, text);
    }
  };

  const rows = items.map((key) => h('tr', {},
    h('th', { scope: 'row' }, h('code', {}, key.name)),
    h('td', {}, key.scopes.join(', ')),
    h('td', {}, key.source === 'configuration' ? 'configuration' : 'created here'),
    h('td', {}, key.createdAt ? time(key.createdAt) : '–'),
    h('td', {}, key.lastUsedAt ? time(key.lastUsedAt) : 'never'),
    h('td', {}, key.source === 'database'
      ? h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke key ${key.name}`, onclick: () => revoke(key) }, 'Revoke')
      : h('span', { class: 'hint' }, 'in Auth:ApiKeys'))));

  fill(main,
    h('h1', {}, 'API keys'),
    h('p', { class: 'lead' }, 'Every call sends a key in the X-Api-Key header; its scopes decide what it may do, and its name is recorded with every ' +
      'change it makes. Only a hash of each key is stored.'),
    created ? revealed(created) : null,
    problemBox, status,
    section('Keys', items.length === 0
      ? h('p', { class: 'empty' }, 'No keys: the service is open to anyone who can reach it. Create an admin key to close it.')
      : h('div', { class: 'table-scroll' }, h('table', {},
        thead('Name', 'Scopes', 'Source', 'Created', 'Last used', 'Revoke'),
        h('tbody', {}, rows)))),
    section('Create a key', createForm(main, signal, items.length === 0)));
}

function createForm(main, signal, first) {
  const name = h('input', { type: 'text', name: 'name', required: true, autocomplete: 'off', placeholder: 'mes-line3' });
  const boxes = SCOPES.map(([scope, what]) => {
    const id = uid('scope');
    return h('div', { class: 'check' }, h('input', { type: 'checkbox', id, name: 'scopes', value: scope, checked: scope === 'predict' }),
      h('label', { for: id }, h('strong', {}, scope), ` – ${what}`));
  });
  const problemBox = problems.box();
  const form = h('form', {},
    field('Name', name, 'Letters, digits, ".", "_" or "-": the name the audit trail shows for this key\'s changes.'),
    h('fieldset', { name: 'scopes' }, h('legend', {}, 'Scopes'), h('div', { class: 'checks' }, boxes)),
    first ? h('p', { class: 'hint' }, 'Once a key exists, every call needs one: the first key needs the admin scope, and this tab goes on with it.') : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create key')),
    problemBox);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scopes = [...form.querySelectorAll('input[name="scopes"]:checked')].map((box) => box.value);
    const key = await problems.attempt(problemBox, () => api.post('/api/keys', { name: name.value.trim(), scopes }), form);
    if (!key) return;
    // The service ran open and now asks every caller for a key: this tab goes on with the admin key it just made.
    if (!api.apiKey() && key.scopes.includes('admin')) api.setApiKey(key.key);
    announce(`The key "${key.name}" was created. Copy it now: it is shown this once.`);
    await keysPage(main, signal, key);
  });
  return form;
}

/** The new key, once: a read-only field to select from and a button that copies it. */
function revealed(created) {
  const value = h('input', { type: 'text', readonly: true, value: created.key, 'aria-label': `The new key ${created.name}`, 'data-testid': 'new-key' });
  const copy = h('button', { type: 'button' }, 'Copy key');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      copy.textContent = 'Copied';
      announce('The key is copied.');
    } catch {
      // Without clipboard access (a page not served over HTTPS or localhost) the key is selected to copy by hand.
      value.select();
      announce('The key is selected: copy it with the keyboard.');
    }
  });
  return h('div', { class: 'notice', role: 'region', 'aria-label': 'Key shown once' },
    h('p', { class: 'notice-title' }, `Key "${created.name}" (${created.scopes.join(', ')}) — copy it now`),
    h('p', {}, 'This is the only time the key is shown: only its hash is stored, so it cannot be shown again. Keep it where its user ' +
      'keeps secrets, and send it in the X-Api-Key header.'),
    h('div', { class: 'inline-form' }, h('div', { class: 'field' }, value), copy));
}
