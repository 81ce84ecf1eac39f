// One deployment after go-live: which model answers and which challenges it in the shadow, how the answers compare
// with the outcomes reported since, and whether today's inputs still look like the training data.

import * as api from '../api.js';
import { h, fill, field, section, link, fact, time, idCopy, announce, shortId } from '../dom.js';
import * as problems from '../problems.js';
import { modelLabel } from './models.js';
import { challengerSection } from './deploymentShadow.js';
import { keyColumnsSection } from './deploymentKeys.js';
import { deploymentPath } from '../deploymentUpdate.js';
import { driftContent } from './deploymentDrift.js';
import { performanceContent } from './deploymentPerformance.js';
import { sideBySide } from './championChallenger.js';
import { historyContent } from './deploymentHistory.js';

const HOUR = 3_600_000;
const RANGES = { '24h': ['the last 24 hours', 24 * HOUR], '7d': ['the last 7 days', 7 * 24 * HOUR], '30d': ['the last 30 days', 30 * 24 * HOUR] };
const BUCKETS = { hour: 'by hour', day: 'by day' };

// The range and bucket chosen last are kept while the tab is open: moving between deployments keeps one view of them.
const view = { range: '24h', bucket: 'hour' };

const select = (name, options, value) => {
  const control = h('select', { name }, Object.entries(options).map(([key, text]) => h('option', { value: key }, Array.isArray(text) ? text[0] : text)));
  control.value = value;
  return control;
};

export async function deploymentPage(main, signal, name, message = '') {
  const path = deploymentPath(name);
  const [deployment, { items: models }] = await Promise.all([api.get(path, { signal }), api.get('/api/models', { signal })]);
  // The champion's columns are offered as key columns; a champion deleted since leaves the name to be typed.
  const championDetails = await api.get(`/api/models/${deployment.modelId}`, { signal })
    .catch((error) => { if (error.status === 404) return null; throw error; });
  const byId = new Map(models.map((model) => [model.id, model]));
  const champion = byId.get(deployment.modelId);
  // A model deleted since it answered keeps its place in the log and reads as such.
  const labelOf = (id) => (byId.has(id) ? modelLabel(byId.get(id)) : `deleted model ${shortId(id)}`);
  const task = champion?.task ?? 'binary';

  const status = h('p', { class: 'done', role: 'status' }, message);
  const changed = async (text) => {
    announce(text);
    await deploymentPage(main, signal, name, text);
  };

  const range = select('range', RANGES, view.range);
  const bucket = select('bucket', BUCKETS, view.bucket);
  const controls = h('form', { class: 'inline-form' }, field('Range', range), field('Buckets', bucket));
  const problemBox = problems.box();
  const monitoring = h('div', { 'data-testid': 'monitoring' });
  let latest = 0;
  const load = async () => {
    view.range = range.value;
    view.bucket = bucket.value;
    // Two quick changes load twice; only the last choice's answers may fill the page, whichever arrives first.
    const mine = ++latest;
    monitoring.setAttribute('aria-busy', 'true');
    problems.clear(problemBox);
    try {
      const sections = await monitoringSections(path, task, deployment.shadowModelId, labelOf, signal);
      if (mine !== latest) return;
      fill(monitoring, ...sections);
      monitoring.dataset.shown = `${view.range} ${view.bucket}`; // what the sections show: lets tests wait for a reload
    } catch (error) {
      if (error.name === 'AbortError' || signal.aborted || mine !== latest) return;
      fill(monitoring);
      problems.show(problemBox, error);
    } finally {
      if (mine === latest) monitoring.removeAttribute('aria-busy');
    }
  };
  for (const control of [range, bucket]) {
    control.addEventListener('change', async () => {
      await load();
      announce(`Showing ${RANGES[view.range][0]}, ${BUCKETS[view.bucket]}.`);
    });
  }
  controls.addEventListener('submit', (event) => event.preventDefault());

  fill(main,
    h('p', { class: 'crumbs' }, link('#/deployments', 'Deployments'), ' / '),
    h('h1', {}, `Deployment ${deployment.name}`),
    h('p', { class: 'lead' }, `MES systems call POST /api/deployments/${deployment.name}/predict; every answer is logged with its predictionId, ` +
      'and outcomes reported for those ids (POST …/outcomes) show here as live performance.'),
    h('dl', { class: 'facts' },
      fact('Champion', champion ? link(`#/models/${champion.id}`, modelLabel(champion)) : idCopy(deployment.modelId)),
      champion ? fact('Predicts', `${champion.target} (${champion.task})`) : null,
      fact('Since', time(deployment.updatedAt))),
    status,
    section('Challenger', challengerSection(deployment, models, changed)),
    section('Key columns', keyColumnsSection(deployment, championDetails, changed)),
    section('History', h('p', { class: 'hint' }, 'Who changed this deployment and when, from the audit trail (newest first).'),
      historyContent(deployment.changes)),
    section('Time range', controls),
    problemBox,
    monitoring);
  await load();
}

/** Champion against challenger, live performance and drift for the chosen range. */
async function monitoringSections(path, task, shadowModelId, labelOf, signal) {
  const to = new Date();
  const from = new Date(to.getTime() - RANGES[view.range][1]);
  const query = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  const performanceBy = (width) => api.get(`${path}/performance?${query}&bucket=${width}`, { signal });
  const [drift, performance, byDay] = await Promise.all([
    // 409: the model was stored without a training profile; the page says so and shows the rest.
    api.get(`${path}/drift?${query}`, { signal }).catch((error) => { if (error.status === 409) return error; throw error; }),
    performanceBy(view.bucket),
    // The side-by-side wants the whole range: a day's bucket holds all of a 24-hour range, and adds up the longer ones.
    view.bucket === 'day' ? null : performanceBy('day'),
  ]);
  const summary = byDay ?? performance;
  const rangeText = `${RANGES[view.range][0]}, ${BUCKETS[view.bucket]}`;
  return [
    section('Champion and challenger', summary.buckets.length === 0
      ? h('p', { class: 'empty' }, 'No predictions in this range.')
      : sideBySide({ task, summary, drift, shadowModelId, labelOf })),
    section('Live performance', h('p', { class: 'hint' }, `${rangeText}.`), performanceContent(performance, task, labelOf)),
    section('Drift', driftContent(drift, labelOf)),
  ];
}
