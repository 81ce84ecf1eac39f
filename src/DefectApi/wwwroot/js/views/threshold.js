// A binary model's decision threshold: ROC and precision-recall curves, the confusion matrix and the expected cost at
// any threshold, all read from the model's stored threshold table (no call per slider step), and saving the choice.

import * as api from '../api.js';
import { h, fill, fmt, pct, section, field, announce } from '../dom.js';
import * as problems from '../problems.js';
import { plot, confusionTable } from '../charts.js';

const rate = (numerator, denominator) => (denominator ? numerator / denominator : 0);

/** Threshold-table rows with the rates the curves need. ROC: false-positive rate against true-positive rate (recall). */
function withRates(table) {
  return [...table].sort((a, b) => a.threshold - b.threshold).map((p) => ({
    ...p,
    fpr: rate(p.falsePositives, p.falsePositives + p.trueNegatives),
    tpr: rate(p.truePositives, p.truePositives + p.falseNegatives),
  }));
}

/** The ROC ([false-positive rate, true-positive rate]) and precision-recall ([recall, precision]) curves' points. */
function curvePoints(points) {
  return {
    roc: [[0, 0], ...points.map((p) => [p.fpr, p.tpr]).sort((a, b) => a[0] - b[0] || a[1] - b[1]), [1, 1]],
    pr: points.map((p) => [p.recall, p.precision]).sort((a, b) => a[0] - b[0] || b[1] - a[1]),
  };
}

/** A binary model's curves from its stored threshold table; empty when it has none. */
export const modelCurves = (model) => curvePoints(withRates(model.thresholdTable ?? []));

const nearest = (points, threshold) => points.reduce((best, p, i) =>
  (Math.abs(p.threshold - threshold) < Math.abs(points[best].threshold - threshold) ? i : best), 0);

export function thresholdSection(model, onSaved) {
  const table = model.thresholdTable ?? [];
  if (table.length === 0) {
    return section('Decision threshold', h('p', { class: 'hint' }, 'This model has no threshold table, so the curves cannot be drawn.'));
  }
  const points = withRates(table);
  const positive = model.positiveClass ?? 'positive';
  const negative = model.classes?.find((c) => c !== model.positiveClass) ?? `not ${positive}`;
  const { roc, pr } = curvePoints(points);

  const slider = h('input', { type: 'range', min: 0, max: points.length - 1, step: 1, name: 'threshold', 'data-testid': 'threshold-slider' });
  slider.value = String(nearest(points, model.threshold ?? 0.5));
  const fpCost = h('input', { type: 'number', name: 'falsePositiveCost', min: 0, step: 'any', value: '1', inputmode: 'decimal' });
  const fnCost = h('input', { type: 'number', name: 'falseNegativeCost', min: 0, step: 'any', value: '5', inputmode: 'decimal' });
  const readout = h('dl', { class: 'metrics', 'data-testid': 'threshold-readout' });
  const matrix = h('div', { class: 'threshold-matrix' });
  const curves = h('div', { class: 'chart-row' });
  const problemBox = problems.box();
  const saved = h('p', { role: 'status' });

  const costOf = (p) => p.falsePositives * (Number(fpCost.value) || 0) + p.falseNegatives * (Number(fnCost.value) || 0);
  let frame = 0;
  const render = () => {
    frame = 0;
    const p = points[Number(slider.value)];
    const total = p.truePositives + p.falsePositives + p.falseNegatives + p.trueNegatives;
    slider.setAttribute('aria-valuetext', `threshold ${fmt(p.threshold)}: precision ${pct(p.precision)}, recall ${pct(p.recall)}`);
    fill(readout,
      card('Threshold', fmt(p.threshold), 'threshold'), card('Precision', pct(p.precision), 'precision'),
      card('Recall', pct(p.recall), 'recall'), card('F1', fmt(p.f1), 'f1'),
      card('False alarms', String(p.falsePositives), 'falsePositives'), card('Missed defects', String(p.falseNegatives), 'falseNegatives'),
      card('Expected cost', fmt(costOf(p)), 'cost'), card('Cost per 1,000 parts', fmt(rate(costOf(p), total) * 1000), 'costPerThousand'));
    fill(matrix, confusionTable([negative, positive], [[p.trueNegatives, p.falsePositives], [p.falseNegatives, p.truePositives]],
      `Validation records at threshold ${fmt(p.threshold)}`));
    fill(curves,
      plot({
        title: 'ROC curve', xLabel: 'false-positive rate', yLabel: 'true-positive rate (recall)', xDomain: [0, 1], yDomain: [0, 1], diagonal: true,
        description: `ROC curve, AUC ${fmt(model.metrics?.auc)}. At threshold ${fmt(p.threshold)}: false-positive rate ${pct(p.fpr)}, true-positive rate ${pct(p.tpr)}.`,
        series: [{ name: 'ROC', style: 'a', points: roc }], marker: { x: p.fpr, y: p.tpr, label: 'chosen threshold' },
      }),
      plot({
        title: 'Precision-recall curve', xLabel: 'recall', yLabel: 'precision', xDomain: [0, 1], yDomain: [0, 1],
        description: `Precision against recall, PR AUC ${fmt(model.metrics?.prAuc)}. At threshold ${fmt(p.threshold)}: precision ${pct(p.precision)}, recall ${pct(p.recall)}.`,
        series: [{ name: 'precision-recall', style: 'b', points: pr }], marker: { x: p.recall, y: p.precision, label: 'chosen threshold' },
      }));
  };
  const schedule = () => { frame ||= requestAnimationFrame(render); };
  for (const control of [slider, fpCost, fnCost]) control.addEventListener('input', schedule);

  const cheapest = h('button', { type: 'button' }, 'Move to the lowest cost');
  cheapest.addEventListener('click', () => {
    const best = points.reduce((b, p, i) => (costOf(p) < costOf(points[b]) ? i : b), 0);
    slider.value = String(best);
    render();
    announce(`Threshold ${fmt(points[best].threshold)} has the lowest expected cost.`);
  });

  const form = h('form', { class: 'threshold-form' });
  const save = async (body, message) => {
    const updated = await problems.attempt(problemBox, () => api.put(`/api/models/${model.id}/threshold`, body), form);
    if (!updated) return;
    slider.value = String(nearest(points, updated.threshold));
    render();
    onSaved(updated);
    saved.textContent = message(updated);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save({ threshold: points[Number(slider.value)].threshold }, (m) => `Saved: predictions now use threshold ${fmt(m.threshold)}.`);
  });
  const byCost = h('button', { type: 'button' }, 'Let the service choose from these costs');
  byCost.addEventListener('click', () => save({ falsePositiveCost: Number(fpCost.value), falseNegativeCost: Number(fnCost.value) },
    (m) => `Saved: the service chose threshold ${fmt(m.threshold)} for these costs.`));

  fill(form,
    field('Decision threshold', slider, 'A part is flagged as a defect when its probability is at or above the threshold.'),
    readout,
    h('div', { class: 'grid-fields' },
      field('Cost of a false alarm', fpCost, 'Checking a good part.'),
      field('Cost of a missed defect', fnCost, 'A bad part going on.')),
    problemBox,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save threshold'), cheapest, byCost),
    saved);
  render();
  return section('Decision threshold',
    h('p', { class: 'hint' }, `Trade false alarms against missed defects ("${positive}" is the defect class). Figures are for the validation split.`),
    form, matrix, curves);
}

const card = (term, value, key) => h('div', { class: 'metric' }, h('dt', {}, term), h('dd', { 'data-value': key }, value));
