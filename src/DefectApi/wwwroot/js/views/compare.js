// Models side by side: the first question after retraining is whether v2 is better than v1. The route names the
// models (#/compare/id1,id2,…); with fewer than two it shows the choice of models, grouped by what they predict.

import * as api from '../api.js';
import { h, fill, section, link, idLink, idLabel, when } from '../dom.js';
import { modelLabel } from './models.js';
import { metricsTable, curvesSection, inputsDifferences, settingsDifferences } from './compareSections.js';

/** Models that answer the same question: one target, one task. */
const questionOf = (model) => `${model.task}\u0000${model.target}`;

export async function comparePage(main, signal, idList = '') {
  const ids = [...new Set(idList.split(',').filter(Boolean))];
  const { items } = await api.get('/api/models', { signal });
  if (ids.length < 2) {
    fill(main, heading(), h('p', { class: 'lead' }, 'Choose two or more models that predict the same target, such as versions of one model.'),
      pickerSection(items, ids));
    return;
  }
  const models = (await Promise.all(ids.map((id) => api.get(`/api/models/${id}`, { signal }))))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (new Set(models.map(questionOf)).size > 1) {
    fill(main, heading(),
      h('p', { class: 'field-error', role: 'alert' }, 'These models predict different things (' +
        models.map((m) => `${modelLabel(m)}: ${m.target}, ${m.task}`).join('; ') + '), so their figures do not compare. Choose models of one target.'),
      pickerSection(items, ids));
    return;
  }
  // The jobs hold the settings each model was trained with; a job deleted since leaves its column empty.
  const jobs = await Promise.all(models.map((m) => api.get(`/api/training-jobs/${m.jobId}`, { signal }).catch(() => null)));
  const [first] = models;
  fill(main, heading(),
    h('p', { class: 'lead' }, 'Predicting ', h('strong', {}, first.target), ` (${first.task}): `,
      models.map((m, i) => [i ? ', ' : '', idLink(`#/models/${m.id}`, modelLabel(m), m.id)]),
      '. Figures are for each model\'s own validation split.'),
    section('Metrics', metricsTable(models)),
    curvesSection(models),
    section('Inputs', inputsDifferences(models)),
    section('Training settings', settingsDifferences(models, jobs)),
    pickerSection(items, ids));
}

const heading = () => h('h1', {}, 'Compare models');

/** Checkboxes of every model, one group per target; the first chosen model's group comes first. */
function pickerSection(models, chosen) {
  const groups = new Map();
  const firstChosen = models.find((m) => m.id === chosen[0]);
  const ordered = firstChosen ? [...models].sort((a, b) => Number(questionOf(b) === questionOf(firstChosen)) - Number(questionOf(a) === questionOf(firstChosen))) : models;
  for (const model of ordered) {
    if (!groups.has(questionOf(model))) groups.set(questionOf(model), []);
    groups.get(questionOf(model)).push(model);
  }
  const problem = h('p', { class: 'field-error', role: 'alert' });
  const form = h('form', { class: 'compare-picker' },
    [...groups.values()].map((group) => h('fieldset', {},
      h('legend', {}, `${group[0].target} (${group[0].task})`),
      group.map((model) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'model', value: model.id, checked: chosen.includes(model.id) }),
        ` ${idLabel(modelLabel(model), model.id)}, trained ${when(model.createdAt)}`)))),
    problem,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Compare')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = [...form.querySelectorAll('input[name=model]:checked')].map((input) => models.find((m) => m.id === input.value));
    if (picked.length < 2) problem.textContent = 'Choose at least two models.';
    else if (new Set(picked.map(questionOf)).size > 1) problem.textContent = 'Choose models of one target: the figures of different targets do not compare.';
    // Oldest first, as a comparison reads (v1 then v2), whichever order they were ticked in.
    else location.hash = `#/compare/${picked.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((m) => m.id).join(',')}`;
  });
  if (models.length < 2) return section('Choose models', h('p', { class: 'empty' }, 'Comparing needs two models. ', link('#/datasets', 'Train another from a dataset.')));
  return section('Choose models', form);
}
