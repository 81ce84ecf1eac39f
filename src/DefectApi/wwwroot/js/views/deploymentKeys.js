// A deployment's declared key columns: the columns of the records (a serial number, say) by which a line reports
// outcomes instead of by predictionId. The service indexes their values as answers are logged, so a key is declared
// here before the traffic whose outcomes come back by it.

import { h, field, uid } from '../dom.js';
import * as problems from '../problems.js';
import { updateDeployment } from '../deploymentUpdate.js';

/** Reasons the training left a column out that make it a likely key: serials are identifiers, or excluded by hand. */
const KEY_LIKE = new Set(['identifier', 'excluded']);

/**
 * Column names to offer: the champion's record columns, likely keys first, the target left out. Only an offer: the
 * records may carry columns the model never saw, so any name can be typed.
 */
function offeredColumns(model, declared) {
  if (!model) return [];
  const dropped = model.droppedColumns ?? [];
  const names = [
    ...dropped.filter((column) => KEY_LIKE.has(column.reason)).map((column) => column.name),
    ...model.inputs.map((input) => input.name),
    ...dropped.filter((column) => !KEY_LIKE.has(column.reason) && column.reason !== 'target').map((column) => column.name),
  ];
  return [...new Set(names)].filter((name) => !declared.includes(name));
}

/**
 * The key columns section. deployment: GET /api/deployments/{name}'s answer; model: GET /api/models/{id}'s answer for
 * its champion (null when it is gone); changed(text) is called after a successful PUT, with what changed in words.
 */
export function keyColumnsSection(deployment, model, changed) {
  const declared = deployment.keyColumns ?? [];
  const problemBox = problems.box();
  const put = async (form, keyColumns, done) => {
    if (await problems.attempt(problemBox, () => updateDeployment(deployment.name, { keyColumns }), form)) await changed(done);
  };

  const example = `POST /api/deployments/${deployment.name}/outcomes?keyColumn=${declared.length ? encodeURIComponent(declared[0]) : '{column}'}`;
  const parts = [h('p', { class: 'hint' }, 'A line that knows a part by its serial number can report outcomes by it (',
    h('code', {}, example), ') instead of by predictionId. Answers are indexed by their keys as they are logged; ',
    'when a key was predicted twice, the latest prediction takes the outcome.')];

  if (declared.length === 0) {
    parts.push(h('p', { 'data-testid': 'key-columns' }, 'No key columns: outcomes are reported by predictionId only.'));
  } else {
    const listName = uid('key-columns');
    parts.push(h('p', { id: listName }, 'Outcomes can be reported by:'));
    parts.push(h('ul', { class: 'key-columns', 'data-testid': 'key-columns', 'aria-labelledby': listName }, declared.map((key) => {
      const remove = h('button', { type: 'button', 'aria-label': `Remove the key column ${key}` }, 'Remove');
      remove.addEventListener('click', () => put(null, declared.filter((other) => other !== key),
        `${key} is no longer a key column: outcomes by it are refused from now on.`));
      return h('li', { 'data-key-column': key }, h('code', {}, key), ' ', remove);
    })));
  }

  const choices = h('datalist', { id: uid('key-choices') }, offeredColumns(model, declared).map((name) => h('option', { value: name })));
  // Any name with something in it besides spaces: the records' columns, not only the model's inputs, may be keys.
  const input = h('input', {
    type: 'text', name: 'keyColumns', required: true, autocomplete: 'off', list: choices.id, pattern: '.*\\S.*',
    'data-error-key': `keyColumns[${declared.length}]`,
  });
  const form = h('form', { class: 'inline-form' },
    field(declared.length ? 'Another key column' : 'Key column', input,
      'Pick one of the champion\'s columns or type any column the records carry: keys such as serial numbers are rarely model inputs.'),
    choices,
    h('button', { type: 'submit' }, 'Add key column'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (declared.includes(key)) {
      problems.show(problemBox, { title: 'Already a key column', detail: `${key} is declared already.` }, form);
      return;
    }
    put(form, [...declared, key], `${key} is now a key column: outcomes can be reported by it.`);
  });
  parts.push(form, problemBox);
  return parts;
}
