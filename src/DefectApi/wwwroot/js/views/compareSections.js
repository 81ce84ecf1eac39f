// The parts of a comparison: metrics side by side, the task's curves overlaid, and what differs in the models' inputs
// and training settings. Models come in the order they were trained, each drawn in its own line style.

import { h, fmt, badge, section, thead } from '../dom.js';
import { plot, confusionTable } from '../charts.js';
import { METRIC_NAMES } from './model.js';
import { modelLabel } from './models.js';
import { modelCurves } from './threshold.js';

const STYLES = ['a', 'b', 'c', 'd', 'e'];
const styleOf = (i) => STYLES[i % STYLES.length];

// Which way is better for each metric; the rest (threshold, precision, recall) trade against each other.
const HIGHER_IS_BETTER = new Set(['auc', 'prAuc', 'accuracy', 'f1', 'macroF1', 'r2']);
const LOWER_IS_BETTER = new Set(['logLoss', 'rmse', 'mae']);

/** One row per metric, one column per model, the best value of each comparable metric marked in words. */
export function metricsTable(models) {
  const keys = [...new Set(models.flatMap((m) => Object.keys(m.metrics ?? {})))]
    .filter((key) => models.some((m) => typeof m.metrics?.[key] === 'number'));
  const bestOf = (key) => {
    const values = models.map((m) => m.metrics?.[key]).filter(Number.isFinite);
    if (values.length < 2) return null;
    if (HIGHER_IS_BETTER.has(key)) return Math.max(...values);
    if (LOWER_IS_BETTER.has(key)) return Math.min(...values);
    return null;
  };
  return h('div', { class: 'table-scroll' }, h('table', { 'data-testid': 'compare-metrics' },
    h('caption', {}, 'Validation metrics; "best" marks the better value where higher or lower is plainly better'),
    thead('Metric', ...models.map((m) => `${modelLabel(m)}#`)),
    h('tbody', {}, keys.map((key) => {
      const best = bestOf(key);
      return h('tr', {},
        h('th', { scope: 'row' }, METRIC_NAMES[key] ?? key),
        models.map((m) => {
          const value = m.metrics?.[key];
          const isBest = best !== null && value === best && models.filter((o) => o.metrics?.[key] === best).length < models.length;
          return h('td', { class: isBest ? 'num best' : 'num' }, fmt(value), isBest ? h('span', { class: 'best-mark' }, ' best') : null);
        }));
    }))));
}

/** ROC and precision-recall (binary), predicted against actual (regression) or confusion matrices (multiclass). */
export function curvesSection(models) {
  const [first] = models;
  if (first.task === 'binary') {
    const drawn = models.filter((m) => m.thresholdTable?.length);
    if (drawn.length === 0) return null;
    const curves = drawn.map((m) => ({ model: m, ...modelCurves(m) }));
    return section('Curves', h('div', { class: 'chart-row' },
      plot({
        title: 'ROC curves', xLabel: 'false-positive rate', yLabel: 'true-positive rate (recall)', xDomain: [0, 1], yDomain: [0, 1], diagonal: true,
        description: curves.map((c) => `${modelLabel(c.model)}: AUC ${fmt(c.model.metrics?.auc)}.`).join(' '),
        series: curves.map((c, i) => ({ name: `${modelLabel(c.model)} (AUC ${fmt(c.model.metrics?.auc)})`, style: styleOf(i), points: c.roc })),
      }),
      plot({
        title: 'Precision-recall curves', xLabel: 'recall', yLabel: 'precision', xDomain: [0, 1], yDomain: [0, 1],
        description: curves.map((c) => `${modelLabel(c.model)}: PR AUC ${fmt(c.model.metrics?.prAuc)}.`).join(' '),
        series: curves.map((c, i) => ({ name: `${modelLabel(c.model)} (PR AUC ${fmt(c.model.metrics?.prAuc)})`, style: styleOf(i), points: c.pr })),
      })));
  }
  if (first.task === 'regression') {
    const drawn = models.filter((m) => m.validationPredictions?.length);
    if (drawn.length === 0) return null;
    const values = drawn.flatMap((m) => m.validationPredictions.flatMap((p) => [p.actual, p.predicted])).filter(Number.isFinite);
    const domain = [Math.min(...values), Math.max(...values)];
    return section('Predicted against actual', h('div', { class: 'chart-single' }, plot({
      title: `Predicted against actual ${first.target}`, xLabel: `actual ${first.target}`, yLabel: `predicted ${first.target}`,
      xDomain: domain, yDomain: domain, diagonal: true,
      description: drawn.map((m) => `${modelLabel(m)}: ${m.validationPredictions.length} validation records, RMSE ${fmt(m.metrics?.rmse)}, R² ${fmt(m.metrics?.r2)}.`).join(' ') +
        ' Points on the diagonal are exact predictions.',
      series: drawn.map((m, i) => ({ name: `${modelLabel(m)} (RMSE ${fmt(m.metrics?.rmse)})`, kind: 'dots', style: styleOf(i),
        points: m.validationPredictions.map((p) => [p.actual, p.predicted]) })),
    })));
  }
  const tables = models.map((m) => {
    const cm = m.metrics?.confusionMatrix;
    const matrix = Array.isArray(cm) ? cm : cm?.matrix;
    const labels = cm?.labels ?? m.classes ?? [];
    return Array.isArray(matrix) && matrix.length === labels.length ? confusionTable(labels, matrix, `${modelLabel(m)}: validation records by actual and predicted class`) : null;
  }).filter(Boolean);
  return tables.length ? section('Confusion matrices', h('div', { class: 'chart-row' }, tables)) : null;
}

/** How a model takes one input: its type, and for categories which ones differ from the first model's. */
function inputCell(input, reference) {
  if (!input) return h('td', { class: 'absent' }, 'not an input');
  const categories = input.categories ?? [];
  const known = new Set(reference?.categories ?? []);
  const added = reference ? categories.filter((c) => !known.has(c)) : [];
  const dropped = reference ? [...known].filter((c) => !categories.includes(c)) : [];
  return h('td', {}, badge(input.type),
    added.length ? ` adds ${added.join(', ')}` : '', dropped.length ? ` lacks ${dropped.join(', ')}` : '');
}

const sameInput = (a, b) => a && b && a.type === b.type && JSON.stringify(a.categories ?? []) === JSON.stringify(b.categories ?? []);

/** The inputs that differ between the models, and a line naming those they share unchanged. */
export function inputsDifferences(models) {
  const byName = models.map((m) => new Map(m.inputs.map((input) => [input.name, input])));
  const names = [...new Set(models.flatMap((m) => m.inputs.map((input) => input.name)))];
  const differing = names.filter((name) => byName.some((inputs) => !sameInput(inputs.get(name), byName[0].get(name))));
  const same = names.filter((name) => !differing.includes(name));
  return [
    differing.length === 0
      ? h('p', { 'data-testid': 'inputs-same' }, 'Every model takes the same inputs, of the same types and categories.')
      : h('div', { class: 'table-scroll' }, h('table', { 'data-testid': 'compare-inputs' },
        h('caption', {}, 'Inputs that differ (categories are against the first model\'s)'),
        thead('Input', ...models.map(modelLabel)),
        h('tbody', {}, differing.map((name) => h('tr', {},
          h('th', { scope: 'row' }, name),
          byName.map((inputs, i) => inputCell(inputs.get(name), i ? byName[0].get(name) : null))))))),
    same.length && differing.length ? h('p', { class: 'hint' }, `The same in every model: ${same.join(', ')}.`) : null,
  ];
}

const settingText = (value) => (value === null || value === undefined ? '–' : Array.isArray(value) ? (value.join(', ') || 'none') : String(value));

/** The training request's settings that differ between the models. */
export function settingsDifferences(models, jobs) {
  const requests = jobs.map((job) => job?.request ?? null);
  const keys = [...new Set(requests.flatMap((r) => Object.keys(r ?? {})))].filter((key) => key !== 'datasetId');
  const differing = keys.filter((key) => new Set(requests.map((r) => settingText(r?.[key]))).size > 1);
  const sameData = new Set(models.map((m) => m.datasetId)).size === 1;
  return [
    h('p', {}, sameData ? 'All were trained on the same dataset.' : 'They were trained on different datasets.'),
    differing.length === 0
      ? h('p', {}, 'Every other training setting is the same.')
      : h('div', { class: 'table-scroll' }, h('table', { 'data-testid': 'compare-settings' },
        h('caption', {}, 'Training settings that differ'),
        thead('Setting', ...models.map(modelLabel)),
        h('tbody', {}, differing.map((key) => h('tr', {},
          h('th', { scope: 'row' }, key), requests.map((r) => h('td', {}, r ? settingText(r[key]) : 'job deleted'))))))),
  ];
}
