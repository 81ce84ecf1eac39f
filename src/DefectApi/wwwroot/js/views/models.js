// The model registry: every trained model with its headline metric.

import * as api from '../api.js';
import { h, fill, fmt, time, section, field, badge, link, thead, announce, deploymentLink } from '../dom.js';
import * as problems from '../problems.js';

/** The one number that best sums up a model of each task, for lists and headers. */
export function headline(model) {
  const m = model.metrics ?? {};
  if (model.task === 'binary') return ['AUC', m.auc];
  if (model.task === 'regression') return ['R²', m.r2];
  return ['accuracy', m.accuracy];
}

export const modelLabel = (model) => `${model.name} v${model.version}`;

export async function modelsPage(main, signal) {
  const [{ items }, { items: deployments }] = await Promise.all([
    api.get('/api/models', { signal }), api.get('/api/deployments', { signal })]);
  const deployedAs = (id) => deployments.filter((d) => d.modelId === id).map((d) => d.name);
  fill(main,
    h('h1', {}, 'Models'),
    h('p', { class: 'lead' }, 'Each successful training job stores one model, and so does each imported bundle. Open one for its curves, threshold and a test prediction.'),
    items.length > 1 ? h('p', {}, link('#/compare', 'Compare models side by side')) : null,
    section('Models', items.length === 0
      ? h('p', { class: 'empty' }, 'No models yet. ', link('#/datasets', 'Train one from a dataset.'))
      : h('div', { class: 'table-scroll' }, h('table', {},
        thead('Model', 'Task', 'Target', 'Score#', 'Threshold#', 'Deployed as', 'Trained'),
        h('tbody', {}, items.map((model) => {
          const [metric, value] = headline(model);
          return h('tr', {},
            h('th', { scope: 'row' }, link(`#/models/${model.id}`, modelLabel(model))),
            h('td', {}, badge(model.task)),
            h('td', {}, model.target),
            h('td', { class: 'num' }, `${metric} ${fmt(value)}`),
            h('td', { class: 'num' }, model.threshold === null || model.threshold === undefined ? '–' : fmt(model.threshold)),
            h('td', {}, deployedAs(model.id).length === 0 ? '–'
              : deployedAs(model.id).map((name, i) => [i ? ', ' : '', deploymentLink(name)])),
            h('td', {}, time(model.createdAt)));
        }))))),
    section('Import a model', importForm()));
}

/** A bundle downloaded from a model's page on another installation becomes the next version of its name here. */
function importForm() {
  const input = h('input', { type: 'file', name: 'file', accept: '.dabundle,application/octet-stream' });
  const status = h('p', { role: 'status' });
  const problemBox = problems.box();
  const form = h('form', { class: 'inline-form' },
    field('Model bundle', input, 'A .dabundle file from "Download bundle" on a model\'s page. It is stored as the next version of its name.'));
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    status.textContent = `Importing ${file.name}…`;
    const model = await problems.attempt(problemBox, () => api.postFile('/api/models/import', file), form);
    input.value = '';
    status.textContent = '';
    if (!model) return;
    announce(`Imported ${modelLabel(model)}.`);
    location.hash = `#/models/${model.id}`;
  });
  return h('div', {}, form, status, problemBox);
}
