// Datasets: the list with an upload zone (drag and drop or file picker, with upload progress), and one dataset's
// inferred schema with the form that trains a model on it.

import * as api from '../api.js';
import { h, fill, append, bar, fmt, pct, bytes, time, section, field, badge, announce, link, fact, thead } from '../dom.js';
import * as problems from '../problems.js';
import { trainForm } from './trainForm.js';
import { dataReportSection } from './dataReport.js';

export async function datasetsPage(main, signal) {
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  fill(main,
    h('h1', {}, 'Datasets'),
    h('p', { class: 'lead' }, 'Upload an MES export as CSV. The service infers each column\'s type, then you pick a target and train.'),
    section('Upload a dataset', uploadZone()),
    section('Uploaded datasets', list));
  const page = await api.get('/api/datasets?limit=100', { signal });
  fill(list, page.items.length === 0
    ? h('p', { class: 'empty' }, 'No datasets yet. Upload a CSV above to begin.')
    : datasetTable(page, signal));
}

/** The list is paged (summaries, newest first): older datasets come with "Show older datasets", following `next`. */
function datasetTable(page, signal) {
  const body = h('tbody', {}, page.items.map(datasetRow));
  const more = h('button', { type: 'button', hidden: !page.next }, 'Show older datasets');
  const problemBox = problems.box();
  let next = page.next;
  more.addEventListener('click', async () => {
    const older = await problems.attempt(problemBox, () => api.get(next, { signal }));
    if (!older) return;
    append(body, older.items.map(datasetRow));
    next = older.next;
    more.hidden = !next;
  });
  return h('div', {}, h('div', { class: 'table-scroll' }, h('table', {}, thead('Name', 'Rows#', 'Columns#', 'Size#', 'Uploaded'), body)),
    h('div', { class: 'actions' }, more), problemBox);
}

function datasetRow(dataset) {
  return h('tr', {},
    h('th', { scope: 'row' }, link(`#/datasets/${dataset.id}`, dataset.name)),
    h('td', { class: 'num' }, fmt(dataset.rowCount)),
    h('td', { class: 'num' }, fmt(dataset.columnCount)),
    h('td', { class: 'num' }, bytes(dataset.sizeBytes)),
    h('td', {}, time(dataset.createdAt)));
}

/** The drop zone is the file input's label, so it works with a keyboard and a screen reader as well as a mouse. */
function uploadZone() {
  const input = h('input', { type: 'file', id: 'upload-file', name: 'file', accept: '.csv,text/csv', class: 'visually-hidden' });
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'off', placeholder: 'the file name' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Upload progress' });
  const status = h('p', { class: 'upload-status', role: 'status' });
  const progressBlock = h('div', { class: 'upload-progress', hidden: true }, progress, status);
  const problemBox = problems.box();
  const zone = h('label', { for: 'upload-file', class: 'dropzone' },
    h('span', { class: 'dropzone-title' }, 'Drop a CSV file here, or choose one'),
    h('span', { class: 'hint' }, 'Comma, semicolon or tab separated; decimal commas are recognised.'));
  const form = h('form', { class: 'upload' },
    input, zone, field('Dataset name (optional)', name), progressBlock, problemBox);

  const start = async (file) => {
    if (!file) return;
    progressBlock.hidden = false;
    progress.value = 0;
    status.textContent = `Uploading ${file.name} (${bytes(file.size)})…`;
    form.classList.add('busy');
    const result = await problems.attempt(problemBox, () => api.upload('/api/datasets', file, name.value.trim(), (share) => {
      progress.value = share;
      status.textContent = share < 1 ? `Uploading ${file.name}: ${pct(share, 0)}` : 'Reading the columns…';
    }), form);
    form.classList.remove('busy');
    input.value = '';
    if (!result) { progressBlock.hidden = true; return; }
    announce(result.created ? `Uploaded ${result.dataset.name}.` : `${result.dataset.name} was already uploaded; showing it.`);
    location.hash = `#/datasets/${result.dataset.id}`;
  };

  input.addEventListener('change', () => start(input.files[0]));
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => { event.preventDefault(); zone.classList.add('over'); });
  }
  for (const type of ['dragleave', 'drop']) zone.addEventListener(type, () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    start(event.dataTransfer.files[0]);
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  return form;
}

export async function datasetPage(main, signal, id) {
  const dataset = await api.get(`/api/datasets/${id}`, { signal });
  const problemBox = problems.box();
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete dataset');
  remove.addEventListener('click', async () => {
    if (!confirm(`Delete the dataset "${dataset.name}"? Models trained on it stay.`)) return;
    const done = await problems.attempt(problemBox, async () => { await api.del(`/api/datasets/${id}`); return true; });
    if (done) location.hash = '#/datasets';
  });
  fill(main,
    h('p', { class: 'crumbs' }, link('#/datasets', 'Datasets'), ' / '),
    h('h1', {}, dataset.name),
    h('dl', { class: 'facts' },
      fact('Rows', fmt(dataset.rowCount)), fact('Columns', String(dataset.columns.length)),
      fact('Size', bytes(dataset.sizeBytes)), fact('Uploaded', time(dataset.createdAt)),
      fact('Delimiter', dataset.delimiter === '\t' ? 'tab' : dataset.delimiter), fact('Decimal separator', dataset.decimalSeparator),
      fact('Encoding', dataset.encoding)),
    dataReportSection(dataset),
    section('Schema', h('p', { class: 'hint' }, 'The types the service inferred, with each column\'s missing share and values.'), schemaTable(dataset)),
    section('First rows', rowsPreview(id, signal)),
    section('Train a model', trainForm(dataset)),
    h('div', { class: 'actions' }, remove), problemBox);
}


function schemaTable(dataset) {
  return h('div', { class: 'table-scroll' }, h('table', { class: 'schema' },
    thead('Column', 'Type', 'Missing', 'Distinct#', 'Values'),
    h('tbody', {}, dataset.columns.map((column) => {
      const missingShare = dataset.rowCount ? column.missing / dataset.rowCount : 0;
      return h('tr', {},
        h('th', { scope: 'row' }, column.name),
        h('td', {}, badge(column.type)),
        h('td', { class: 'missing' }, bar(missingShare, 'bar-missing'), ' ', pct(missingShare), treatedAsMissing(column)),
        h('td', { class: 'num' }, fmt(column.distinct)),
        h('td', {}, columnValues(column, dataset.rowCount)));
    }))));
}

/** Rare text in a numeric column (an Excel "#VALUE!") that the service counted as missing, named so it can be fixed at the source. */
function treatedAsMissing(column) {
  const text = column.treatedAsMissing;
  if (!text) return null;
  return h('span', { class: 'hint' }, ` (${fmt(text.count)} text, such as ${text.values.slice(0, 3).map((v) => `"${v.value}"`).join(', ')})`);
}

/** Numbers: min, mean ± std, max. Anything else: the most frequent values as small bars. */
function columnValues(column, rowCount) {
  if (column.type === 'numeric' || (column.min !== null && column.min !== undefined && !column.topValues?.length)) {
    return h('span', { class: 'stats' },
      `min ${fmt(column.min)} · mean ${fmt(column.mean)}`, column.std !== null ? ` ± ${fmt(column.std)}` : '', ` · max ${fmt(column.max)}`);
  }
  const top = (column.topValues ?? []).slice(0, 5);
  if (top.length === 0) return h('span', { class: 'hint' }, '–');
  if (column.type === 'identifier') return h('span', { class: 'stats' }, `one per row, such as ${top.slice(0, 3).map((v) => v.value).join(', ')}`);
  return h('ul', { class: 'top-values' }, top.map((value) => h('li', {},
    h('span', { class: 'top-label' }, value.value === '' ? '(empty)' : value.value),
    bar(rowCount ? value.count / rowCount : 0),
    h('span', { class: 'num' }, fmt(value.count)))));
}

/** The first rows as the service stored them (GET /api/datasets/{id}/rows), loaded after the page is shown. */
function rowsPreview(id, signal) {
  const holder = h('div', { class: 'table-scroll' }, h('p', { class: 'loading' }, 'Loading…'));
  api.get(`/api/datasets/${id}/rows?offset=0&limit=10`, { signal }).then((page) => {
    const numeric = page.columns.map((_, i) => page.rows.some((row) => typeof row[i] === 'number'));
    const align = (i) => (numeric[i] ? 'num' : null);
    fill(holder, h('table', { class: 'rows' },
      h('caption', { class: 'hint' }, `The first ${page.rows.length} of ${fmt(page.total)} rows; empty cells are missing values.`),
      h('thead', {}, h('tr', {}, page.columns.map((name, i) => h('th', { scope: 'col', class: align(i) }, name)))),
      h('tbody', {}, page.rows.map((row) => h('tr', {}, row.map((cell, i) =>
        h('td', { class: align(i) }, cell === null ? '' : typeof cell === 'number' ? fmt(cell) : String(cell))))))));
  }, (error) => { if (!signal.aborted) fill(holder, h('p', { class: 'hint' }, `The rows could not be loaded: ${error.message}`)); });
  return holder;
}
