// "Try a prediction": a form generated from the model's inputs, filled with typical values from the training data
// when the dataset is still there, that scores one record and shows the answer.

import * as api from '../api.js';
import { h, fill, bar, fmt, pct, section, field } from '../dom.js';
import * as problems from '../problems.js';

function control(input, column) {
  const name = input.name;
  if (input.type === 'boolean') {
    const select = h('select', { name }, h('option', { value: '' }, '(missing)'), h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
    const top = column?.topValues?.[0]?.value?.toLowerCase();
    if (top === 'true' || top === 'false') select.value = top;
    return select;
  }
  if (input.categories?.length || input.type === 'categorical') {
    const select = h('select', { name }, h('option', { value: '' }, '(missing)'), (input.categories ?? []).map((c) => h('option', { value: c }, c)));
    select.value = column?.topValues?.[0]?.value ?? input.categories?.[0] ?? '';
    return select;
  }
  if (input.type === 'numeric') {
    const mean = column?.mean;
    return h('input', { type: 'number', name, step: 'any', inputmode: 'decimal', value: Number.isFinite(mean) ? String(Number(mean.toPrecision(4))) : '' });
  }
  return h('input', { type: 'text', name, autocomplete: 'off' });
}

/** One record as JSON: numbers as numbers, booleans as booleans, empty as null (the service fills it as training did). */
function readRecord(form, inputs) {
  const record = {};
  const errors = {};
  for (const input of inputs) {
    const element = form.elements.namedItem(input.name);
    const text = element.value.trim();
    if (text === '') record[input.name] = null;
    else if (input.type === 'numeric') {
      const number = Number(text);
      if (Number.isFinite(number)) record[input.name] = number;
      else errors[`records[0].${input.name}`] = [`${text} is not a number.`];
    } else if (input.type === 'boolean') record[input.name] = text === 'true';
    else record[input.name] = text;
  }
  if (Object.keys(errors).length) throw Object.assign(new Error('Check the form'), { title: 'Check the form', errors });
  return record;
}

function answer(model, prediction) {
  const parts = [];
  if (model.task === 'binary') {
    parts.push(h('p', { class: `verdict ${prediction.defect ? 'verdict-bad' : 'verdict-good'}` },
      prediction.defect ? `Defect (${prediction.label})` : `No defect (${prediction.label})`),
    h('p', {}, `Probability of "${model.positiveClass}": `, h('strong', { 'data-testid': 'probability' }, pct(prediction.probability)),
      ` (threshold ${fmt(model.threshold)})`), bar(prediction.probability, prediction.defect ? 'bar-bad' : ''));
  } else if (model.task === 'regression') {
    parts.push(h('p', { class: 'verdict' }, `${model.target}: `, h('strong', { 'data-testid': 'value' }, fmt(prediction.value))));
  } else {
    parts.push(h('p', { class: 'verdict' }, `Predicted class: `, h('strong', {}, prediction.label)),
      h('ul', { class: 'top-values' }, Object.entries(prediction.probabilities ?? {}).sort((a, b) => b[1] - a[1]).map(([label, p]) =>
        h('li', {}, h('span', { class: 'top-label' }, label), bar(p), h('span', { class: 'num' }, pct(p))))));
  }
  if (prediction.warnings?.length) parts.push(h('ul', { class: 'warnings' }, prediction.warnings.map((w) => h('li', {}, w))));
  if (prediction.reasons?.length) {
    parts.push(h('h3', {}, 'Why'), h('ul', { class: 'reasons' }, prediction.reasons.map((reason) => h('li', {}, describeReason(reason)))));
  }
  return parts;
}

/** Explanations are planned; show whatever shape they come in ({ column, contribution }, text, or other JSON). */
function describeReason(reason) {
  if (typeof reason === 'string') return reason;
  if (reason && typeof reason === 'object' && 'column' in reason) {
    const effect = reason.contribution ?? reason.effect ?? reason.value;
    return `${reason.column}${effect !== undefined ? `: ${typeof effect === 'number' && effect > 0 ? '+' : ''}${fmt(effect)}` : ''}`;
  }
  return JSON.stringify(reason);
}

export function predictSection(model, signal) {
  const fields = h('div', { class: 'grid-fields' });
  const result = h('div', { class: 'prediction', role: 'status', 'data-testid': 'prediction' });
  const problemBox = problems.box();
  const note = h('p', { class: 'hint' }, 'Leave a field empty to send it as missing: the service fills it the way training did.');
  const form = h('form', { class: 'predict-form', novalidate: true }, note, fields, problemBox,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Predict')));
  const build = (columns) => fill(fields, model.inputs.map((input) => {
    const element = control(input, columns.get(input.name));
    element.dataset.errorKey = `records[0].${input.name}`;
    return field(input.name, element);
  }));
  build(new Map());
  // Typical values (mean, most frequent) from the training data are a better start than empty fields.
  api.get(`/api/datasets/${model.datasetId}`, { signal }).then((dataset) => {
    build(new Map(dataset.columns.map((c) => [c.name, c])));
    note.textContent = 'Filled with typical values from the training data (mean or most frequent). Leave a field empty to send it as missing.';
  }, () => {});

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await problems.attempt(problemBox,
      async () => api.post(`/api/models/${model.id}/predict`, { records: [readRecord(form, model.inputs)] }), form);
    if (!response) return;
    fill(result, answer(model, response.predictions[0]));
  });
  return section('Try a prediction', form, result);
}
