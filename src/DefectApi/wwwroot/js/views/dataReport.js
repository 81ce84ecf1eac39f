// What an upload holds that matters before training: repeated rows, identifier and single-valued columns (training
// leaves them out) and columns that repeat another. Datasets stored before reports existed say so instead.

import { h, fmt, section } from '../dom.js';

export function dataReportSection(dataset) {
  const report = dataset.report;
  if (!report) return section('Data report', h('p', { class: 'hint' }, dataset.reportNote ?? 'No data report for this dataset.'));
  const findings = [
    report.duplicateRows > 0
      ? h('li', {}, h('strong', {}, `${fmt(report.duplicateRows)} duplicate row${report.duplicateRows === 1 ? '' : 's'}`),
        ': every cell repeats an earlier row', examples(report.duplicateExamples), '. Repeats make validation look better than it is.')
      : null,
    report.identifierColumns.length
      ? h('li', {}, h('strong', {}, 'Identifiers: '), report.identifierColumns.join(', '), ' (a value per row; left out at training).')
      : null,
    report.constantColumns.length
      ? h('li', {}, h('strong', {}, 'Single-valued: '), report.constantColumns.join(', '), ' (nothing to learn from; left out at training).')
      : null,
    ...report.nearDuplicateDetails.map((pair) => h('li', {}, h('strong', {}, `${pair.column} repeats ${pair.duplicateOf}`), ': ',
      pair.kind === 'correlated' ? `correlation ${fmt(pair.correlation)}` : 'the same categories under other names',
      '. Keep one of them.')),
  ].filter(Boolean);
  return section('Data report',
    findings.length ? h('ul', { class: 'data-report' }, findings) : h('p', {}, 'No duplicate rows, identifiers, single-valued or near-duplicate columns.'),
    ...report.notes.map((note) => h('p', { class: 'hint' }, note)));
}

function examples(rows) {
  if (!rows?.length) return '';
  return ` (row ${rows.map((r) => `${fmt(r.row)} = row ${fmt(r.sameAsRow)}`).join(', ')}${rows.length < 2 ? '' : ', …'})`;
}
