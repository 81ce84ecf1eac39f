// Champion against challenger over the whole range: the same requests, answered by both, judged by the same outcomes.
// The service reports metrics per bucket; over a range of several days they are added up here, exactly where the
// metric allows it (rates and mean errors) and marked as approximate where it does not (AUC, precision, F1…).

import { h, fmt, thead } from '../dom.js';
import { LIVE_METRICS, metricName, roleOf } from './deploymentPerformance.js';
import { worstInput } from './deploymentDrift.js';

// Means over the predictions with an outcome: the outcome-weighted mean of the buckets' values is the range's value.
const POOLED_MEANS = new Set(['observedDefectRate', 'meanPredictedDefectRate', 'mae', 'bias', 'accuracy']);

/** One role's buckets as one: counts summed; each metric with whether it is exact for the whole range. */
export function combineBuckets(buckets) {
  const predictions = buckets.reduce((sum, bucket) => sum + bucket.predictions, 0);
  const withOutcome = buckets.reduce((sum, bucket) => sum + bucket.withOutcome, 0);
  const keys = [...new Set(buckets.flatMap((bucket) => Object.keys(bucket.metrics)))];
  const metrics = {};
  for (const key of keys) {
    const weighted = buckets.filter((bucket) => Number.isFinite(bucket.metrics[key]) && bucket.withOutcome > 0)
      .map((bucket) => [bucket.metrics[key], bucket.withOutcome]);
    const weight = weighted.reduce((sum, [, w]) => sum + w, 0);
    if (weight === 0) { metrics[key] = { value: null, exact: true }; continue; }
    const mean = (value) => weighted.reduce((sum, [v, w]) => sum + value(v) * w, 0) / weight;
    if (weighted.length === 1) metrics[key] = { value: weighted[0][0], exact: true };
    else if (key === 'rmse') metrics[key] = { value: Math.sqrt(mean((v) => v * v)), exact: true };
    else metrics[key] = { value: mean((v) => v), exact: POOLED_MEANS.has(key) };
  }
  return { predictions, withOutcome, metrics };
}

const psiText = (column) => (column ? `${fmt(column.psi, 3)} (${column.name}, ${column.status})` : '–');

/**
 * A column per role. summary: the range's performance by day (one bucket per model for a range of a day);
 * drift: the drift answer (or its 409 error); shadowModelId: the deployment's challenger now, shown even before it
 * has scored anything.
 */
export function sideBySide({ task, summary, drift, shadowModelId, labelOf }) {
  const roles = ['champion', 'challenger'].map((role) => ({ role, buckets: summary.buckets.filter((bucket) => roleOf(bucket) === role) }))
    .filter(({ role, buckets }) => role === 'champion' || buckets.length > 0 || shadowModelId);
  const reports = { champion: drift instanceof Error ? null : drift, challenger: drift instanceof Error ? null : drift.shadow };
  const columns = roles.map(({ role, buckets }) => ({
    role, ...combineBuckets(buckets), report: reports[role],
    models: buckets.length ? [...new Set(buckets.map((bucket) => bucket.modelId))].map(labelOf).join(', ')
      : role === 'challenger' ? labelOf(shadowModelId) : '–',
  }));
  const keys = LIVE_METRICS[task];
  const approximate = columns.some((column) => keys.some((key) => column.metrics[key] && !column.metrics[key].exact));
  const cell = (text, extra = {}) => h('td', { class: 'num', ...extra }, text);
  return [
    h('div', { class: 'table-scroll' }, h('table', { 'data-testid': 'champion-challenger' },
      h('caption', {}, 'The whole range, on the same requests'),
      thead('', ...columns.map((column) => `${column.role}#`)),
      h('tbody', {},
        h('tr', {}, h('th', { scope: 'row' }, 'Model'), columns.map((column) => cell(column.models))),
        h('tr', {}, h('th', { scope: 'row' }, 'Predictions'), columns.map((column) => cell(String(column.predictions)))),
        h('tr', {}, h('th', { scope: 'row' }, 'With outcome'), columns.map((column) => cell(String(column.withOutcome)))),
        keys.map((key) => h('tr', {}, h('th', { scope: 'row' }, metricName(key)), columns.map((column) => {
          const metric = column.metrics[key];
          return cell(metric ? `${metric.exact ? '' : '≈ '}${fmt(metric.value)}` : '–', { 'data-metric': key });
        }))),
        h('tr', {}, h('th', { scope: 'row' }, 'Worst input PSI'), columns.map((column) => cell(psiText(worstInput(column.report?.columns)), { 'data-metric': 'worstPsi' }))),
        h('tr', {}, h('th', { scope: 'row' }, 'Answers PSI'), columns.map((column) => cell(column.report ? fmt(column.report.output.psi, 3) : '–')))))),
    approximate
      ? h('p', { class: 'hint' }, '≈: this metric does not add up across days, and the service reports it per day; shown is the ' +
        'mean of the daily values weighted by their outcomes. Choose the last 24 hours for exact values.')
      : null,
  ];
}
