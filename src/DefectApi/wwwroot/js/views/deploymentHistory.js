// A deployment's history as the audit trail recorded it: each change (created, moved, challenger, key columns), who
// made it (the name of the API key that sent it) and when, newest first.

import { h, time, thead, scrollBox } from '../dom.js';

const ACTIONS = {
  'deployment.create': 'created',
  'deployment.move': 'moved',
  'deployment.shadow': 'challenger',
  'deployment.key-columns': 'key columns',
  'deployment.delete': 'deleted',
};

/** changes: GET /api/deployments/{name}'s "changes" (at, keyName, action, detail). */
export function historyContent(changes) {
  if (!changes?.length) return h('p', { class: 'empty' }, 'No change recorded yet.');
  return scrollBox('Changes to this deployment', h('table', {},
    thead('When', 'Who', 'Change', 'What'),
    h('tbody', {}, changes.map((change) => h('tr', {},
      h('td', {}, time(change.at)),
      h('td', {}, h('code', {}, change.keyName)),
      h('td', {}, ACTIONS[change.action] ?? change.action),
      h('td', {}, change.detail))))));
}
