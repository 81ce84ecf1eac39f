// Drift of one deployment's traffic: per input (and for the model's answers) how far the live records have moved
// from the training data, a sparkline of the two distributions, and the rating in words as well as in colour.

import { h, fmt, pct, badge, thead, scrollBox } from '../dom.js';
import { sparkline } from '../charts.js';

/** ok | watch | alert | no data | not checked as a badge whose text says it; the colour only repeats it. */
export const statusBadge = (status) => badge(status, `drift-${status.replace(/\s+/g, '-')}`);

/** The input with the highest PSI (null when none has one: no traffic, or only unchecked columns). */
export function worstInput(columns) {
  return (columns ?? []).filter((column) => Number.isFinite(column.psi))
    .reduce((worst, column) => (worst && worst.psi >= column.psi ? worst : column), null);
}

function driftRow(column, answers) {
  const name = answers ? `the model's answers (${column.name})` : column.name;
  return h('tr', { 'data-column': answers ? '' : column.name },
    h('th', { scope: 'row' }, name),
    h('td', {}, answers ? 'output' : column.type),
    h('td', {}, column.bins.length ? sparkline({ title: `${name}: training and live shares by bin`, bins: column.bins }) : '–'),
    h('td', { class: 'num' }, fmt(column.psi, 3)),
    h('td', { class: 'num' }, pct(column.missingShare)),
    h('td', { class: 'num' }, pct(column.outOfRangeShare)),
    h('td', { 'data-status': column.status }, statusBadge(column.status)));
}

/** One model's report: a row per input, then its answers against its validation answers. */
function driftTable(report, caption, testId) {
  return scrollBox(caption, h('table', { class: 'drift', 'data-testid': testId },
    h('caption', {}, caption),
    thead('Column', 'Type', 'Training and live', 'PSI#', 'Missing#', 'Out of range#', 'Status'),
    h('tbody', {}, report.columns.map((column) => driftRow(column, false)), report.output ? driftRow(report.output, true) : null)));
}

/**
 * The drift section's content for GET /api/deployments/{name}/drift's answer, or for the ApiError it failed with
 * when that is the 409 of a model stored without a training profile (the page says so rather than fail).
 */
export function driftContent(drift, labelOf) {
  if (drift instanceof Error) {
    return h('div', { class: 'notice', 'data-testid': 'drift-unavailable' },
      h('p', { class: 'notice-title' }, drift.title), drift.detail ? h('p', {}, drift.detail) : null);
  }
  if (drift.records === 0) {
    return h('p', { class: 'empty', 'data-testid': 'drift-empty' },
      'No predictions in this range: there is no live traffic to compare with the training data.');
  }
  const shadow = drift.shadow;
  return [
    h('p', { class: 'hint' }, `${drift.records} logged records. PSI (population stability index) below 0.1 is rated ok, ` +
      '0.1 to 0.25 watch, above 0.25 alert. In each sparkline the filled bars are the training shares and the outlined bars ' +
      'the live shares, bin by bin; out of range is a value below or above anything training saw, or a category it never had.'),
    driftTable(drift, `Champion ${labelOf(drift.modelId)}: inputs against its training data`, 'drift-champion'),
    shadow && shadow.records > 0
      ? driftTable(shadow, `Challenger ${labelOf(shadow.modelId)}: the same requests against its own training data`, 'drift-challenger')
      : null,
    shadow && shadow.records === 0
      ? h('p', { class: 'empty' }, `The challenger ${labelOf(shadow.modelId)} scored no request in this range.`)
      : null,
  ];
}
