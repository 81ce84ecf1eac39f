// Live performance of a deployment: the answers of each time bucket against the outcomes reported for them, champion
// and challenger (the shadow, scored on the same requests) as two series of one chart and as rows of one table.

import { h, fmt, thead, scrollBox } from '../dom.js';
import { plot } from '../charts.js';
import { METRIC_NAMES } from './model.js';

/** The metrics GET /api/deployments/{name}/performance reports per task, the headline one first. */
export const LIVE_METRICS = {
  binary: ['auc', 'precision', 'recall', 'f1', 'observedDefectRate', 'meanPredictedDefectRate'],
  regression: ['rmse', 'mae', 'bias'],
  multiclass: ['accuracy', 'macroF1'],
};

const NAMES = { ...METRIC_NAMES, observedDefectRate: 'observed defect rate', meanPredictedDefectRate: 'mean predicted defect rate', bias: 'bias' };
export const metricName = (key) => NAMES[key] ?? key;
export const roleOf = (bucket) => (bucket.shadow ? 'challenger' : 'champion');

const hourFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** The models behind one role's buckets as a name ("line3 v2", or "line3 v1, line3 v2" when the deployment moved). */
const modelsOf = (buckets, labelOf) => [...new Set(buckets.map((bucket) => bucket.modelId))].map(labelOf).join(', ');

/** The headline metric of every bucket over time: the champion solid, the challenger dashed. */
function metricChart(performance, task, labelOf) {
  const key = LIVE_METRICS[task][0];
  const format = performance.bucket === 'hour' ? hourFormat : dayFormat;
  const from = Date.parse(performance.from);
  const to = Date.parse(performance.to);
  const series = ['champion', 'challenger'].map((role, i) => {
    const buckets = performance.buckets.filter((bucket) => roleOf(bucket) === role);
    return buckets.length === 0 ? null : {
      name: `${role}: ${modelsOf(buckets, labelOf)}`, style: i ? 'b' : 'a',
      points: buckets.map((bucket) => [Date.parse(bucket.start), bucket.metrics[key] ?? NaN]),
    };
  }).filter(Boolean);
  if (!series.some((line) => line.points.some(([, y]) => Number.isFinite(y)))) {
    return h('p', { class: 'empty', 'data-testid': 'performance-no-outcomes' }, `No ${metricName(key)} yet: it is computed on predictions ` +
      'with a reported outcome (POST /api/deployments/{name}/outcomes), and none in this range has one.');
  }
  return h('div', { class: 'chart-single' }, plot({
    title: `Live ${metricName(key)} by ${performance.bucket}`, xLabel: `start of the ${performance.bucket}`, yLabel: metricName(key),
    series, xDomain: [from, to], xTicks: [0, 1, 2, 3, 4].map((i) => from + ((to - from) * i) / 4),
    xFormat: (ms) => format.format(new Date(ms)),
  }));
}

/** A row per bucket and model: how many answers, how many with an outcome, and the metrics on those. */
function bucketTable(performance, task, labelOf) {
  const keys = LIVE_METRICS[task];
  return scrollBox(`Live performance per ${performance.bucket}`, h('table', { 'data-testid': 'performance-buckets' },
    h('caption', {}, `Per ${performance.bucket}: metrics are on the predictions with an outcome`),
    thead('Start', 'Role', 'Model', 'Predictions#', 'With outcome#', ...keys.map((key) => `${metricName(key)}#`)),
    h('tbody', {}, performance.buckets.map((bucket) => h('tr', { 'data-role': roleOf(bucket) },
      // With the time of day even for days: the buckets are counted from the range's start, not from midnight.
      h('th', { scope: 'row', class: 'bucket-start' }, h('time', { datetime: bucket.start }, hourFormat.format(new Date(bucket.start)))),
      h('td', {}, roleOf(bucket)),
      h('td', {}, labelOf(bucket.modelId)),
      h('td', { class: 'num' }, String(bucket.predictions)),
      h('td', { class: 'num' }, String(bucket.withOutcome)),
      keys.map((key) => h('td', { class: 'num', 'data-metric': key }, fmt(bucket.metrics[key]))))))));
}

/** The live performance section's content, or the honest empty state when nothing was predicted in the range. */
export function performanceContent(performance, task, labelOf) {
  if (performance.buckets.length === 0) {
    return h('p', { class: 'empty', 'data-testid': 'performance-empty' }, 'No predictions in this range.');
  }
  return [metricChart(performance, task, labelOf), bucketTable(performance, task, labelOf)];
}
