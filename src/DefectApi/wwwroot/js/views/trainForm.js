// The form that starts a training job. Only the target is needed: every setting shows the service's default as its
// placeholder and is sent only when filled in, so the service's defaults stay the defaults.

import * as api from '../api.js';
import { h, field, uid } from '../dom.js';
import * as problems from '../problems.js';

// The service's defaults (DefectApi.Tabular's TabularTrainingOptions), shown as placeholders only: an empty field is
// not sent, so the service's own default applies even if these drift.
const DEFAULTS = {
  hiddenLayers: '128, 64', epochs: 200, learningRate: 0.001, batchSize: 32, earlyStoppingPatience: 30,
  validationFraction: 0.2, dropout: 0.1, l2: 0, seed: 42, activation: 'relu', optimizer: 'adam', ensembleSize: 'auto: 5 to 10',
};

const numberInput = (name, step = 'any', min = undefined) =>
  h('input', { type: 'number', name, step, min, inputmode: step === '1' ? 'numeric' : 'decimal', placeholder: String(DEFAULTS[name] ?? '') });

const select = (name, options, defaultLabel) => h('select', { name },
  defaultLabel ? h('option', { value: '' }, defaultLabel) : null,
  options.map((option) => h('option', { value: option }, option)));

export function trainForm(dataset) {
  const columns = dataset.columns;
  const target = h('select', { name: 'target', required: true }, columns.map((c) => h('option', { value: c.name }, c.name)));
  target.value = columns[columns.length - 1]?.name ?? '';
  const positiveList = h('datalist', { id: uid('positive-values') });
  const positiveClass = h('input', { type: 'text', name: 'positiveClass', list: positiveList.id, placeholder: 'the minority class', autocomplete: 'off' });
  const inputs = h('fieldset', { class: 'columns-picker' });
  const problemBox = problems.box();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Start training');

  const renderColumns = () => {
    const chosen = target.value;
    inputs.replaceChildren(h('legend', {}, 'Input columns'),
      h('p', { class: 'hint' }, 'Uncheck a column to leave it out. Identifiers and constant columns are left out by the service anyway.'),
      h('div', { class: 'checks' }, columns.filter((c) => c.name !== chosen).map((column) => {
        const box = h('input', { type: 'checkbox', name: 'use', value: column.name, checked: !['identifier', 'constant'].includes(column.type) });
        box.id = uid('use');
        return h('div', { class: 'check' }, box, h('label', { for: box.id }, column.name, ' ', h('span', { class: 'hint' }, `(${column.type})`)));
      })));
    const top = columns.find((c) => c.name === chosen)?.topValues ?? [];
    positiveList.replaceChildren(...top.map((v) => h('option', { value: v.value })));
  };
  target.addEventListener('change', renderColumns);
  renderColumns();

  const form = h('form', { class: 'train-form', novalidate: true },
    h('div', { class: 'grid-fields' },
      field('Target column', target, 'The column to predict.'),
      field('Task', select('task', ['auto', 'binary', 'multiclass', 'regression']), 'auto: decided from the target\'s values.'),
      h('div', {}, field('Positive (defect) class', positiveClass, 'Binary only. Empty: the minority class.'), positiveList),
      field('Model name', h('input', { type: 'text', name: 'modelName', placeholder: dataset.name, autocomplete: 'off' }))),
    inputs,
    h('fieldset', {}, h('legend', {}, 'Settings'),
      h('p', { class: 'hint' }, 'Leave a field empty to use the service\'s default (shown greyed).'),
      h('div', { class: 'grid-fields' },
        field('Hidden layers', h('input', { type: 'text', name: 'hiddenLayers', placeholder: DEFAULTS.hiddenLayers, autocomplete: 'off' }), 'Units per layer, comma separated.'),
        field('Epochs', numberInput('epochs', '1', 1)),
        field('Learning rate', numberInput('learningRate')),
        field('Batch size', numberInput('batchSize', '1', 1)),
        field('Early stopping patience', numberInput('earlyStoppingPatience', '1', 0), 'Epochs without improvement before stopping.'),
        field('Validation fraction', numberInput('validationFraction')),
        field('Validation', select('validation', ['random', 'time'], 'default (random)'), 'time: each fold is validated on rows later than it trained on.'),
        field('Time column', select('timeColumn', columns.filter((c) => ['datetime', 'numeric'].includes(c.type)).map((c) => c.name), 'default (the only datetime column)')),
        field('Group column', select('groupColumn', columns.map((c) => c.name), 'none'), 'A lot or batch: its rows stay on one side of every split.'),
        field('Probable leaks', select('leakage', ['exclude', 'warn', 'off'], 'default (exclude)'),
          'Columns that predict the target too well on their own, as if recorded with the outcome: exclude leaves them out, warn keeps them.')),
      h('details', {}, h('summary', {}, 'More settings'),
        h('div', { class: 'grid-fields' },
          field('Activation', select('activation', ['relu', 'leaky_relu', 'tanh', 'sigmoid'], `default (${DEFAULTS.activation})`)),
          field('Optimizer', select('optimizer', ['adam', 'adamw', 'sgd', 'momentum', 'nesterov'], `default (${DEFAULTS.optimizer})`)),
          field('Dropout', numberInput('dropout')),
          field('L2 penalty', numberInput('l2')),
          field('Seed', numberInput('seed', '1')),
          field('Networks in the ensemble', numberInput('ensembleSize', '1', 1), 'Each trained on its own fold and averaged; auto picks more for small data.'),
          field('False-positive cost', h('input', { type: 'number', name: 'falsePositiveCost', step: 'any', min: 0 }), 'Binary: with the false-negative cost, the threshold minimises cost.'),
          field('False-negative cost', h('input', { type: 'number', name: 'falseNegativeCost', step: 'any', min: 0 }))))),
    problemBox,
    h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const job = await problems.attempt(problemBox, async () => api.post('/api/training-jobs', readRequest(form, dataset)), form);
    submit.disabled = false;
    if (job) location.hash = `#/jobs/${job.id}`;
  });
  return form;
}

/** The request body: the dataset, the target, and only the settings the user filled in. */
function readRequest(form, dataset) {
  const values = new FormData(form);
  const request = { datasetId: dataset.id, target: values.get('target') };
  const errors = {};
  for (const name of ['task', 'positiveClass', 'modelName', 'activation', 'optimizer', 'validation', 'timeColumn', 'groupColumn', 'leakage']) {
    const value = String(values.get(name) ?? '').trim();
    if (value) request[name] = value;
  }
  for (const name of ['epochs', 'learningRate', 'batchSize', 'earlyStoppingPatience', 'validationFraction', 'dropout', 'l2', 'seed',
    'ensembleSize', 'falsePositiveCost', 'falseNegativeCost']) {
    const text = String(values.get(name) ?? '').trim();
    if (!text) continue;
    const number = Number(text);
    if (Number.isFinite(number)) request[name] = number;
    else errors[name] = [`${text} is not a number.`];
  }
  const layers = String(values.get('hiddenLayers') ?? '').trim();
  if (layers) {
    const units = layers.split(/[\s,;]+/).filter(Boolean).map(Number);
    if (units.every((u) => Number.isInteger(u) && u > 0)) request.hiddenLayers = units;
    else errors.hiddenLayers = ['Give whole numbers of units separated by commas, such as 64, 32.'];
  }
  const used = new Set(values.getAll('use'));
  const excluded = dataset.columns.map((c) => c.name).filter((name) => name !== request.target && !used.has(name));
  if (excluded.length) request.exclude = excluded;
  if (Object.keys(errors).length) throw Object.assign(new Error('Check the form'), { title: 'Check the form', errors });
  return request;
}
