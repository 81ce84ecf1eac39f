// Training jobs: the list, and one job followed live over its event stream (members, epochs, ETA, loss curves), with
// cancel and "stop, keep best".

import * as api from '../api.js';
import { h, fill, fmt, duration, time, section, badge, announce, link, idLink, idCopy, fact, thead } from '../dom.js';
import * as problems from '../problems.js';
import { memberLossChart } from '../memberHistory.js';
import { progressLine } from '../progressWords.js';
import { leakNotice } from '../leaks.js';

const FINISHED = ['succeeded', 'failed', 'canceled'];

export async function jobsPage(main, signal) {
  const { items } = await api.get('/api/training-jobs', { signal });
  fill(main,
    h('h1', {}, 'Training jobs'),
    h('p', { class: 'lead' }, 'Start a job from a dataset\'s page. Jobs run one after another in the background.'),
    section('Jobs', items.length === 0
      ? h('p', { class: 'empty' }, 'No training jobs yet. ', link('#/datasets', 'Pick a dataset to train on.'))
      : h('div', { class: 'table-scroll' }, h('table', {},
        thead('Job', 'Target', 'Status', 'Progress', 'Started', 'Model'),
        h('tbody', {}, items.map((job) => h('tr', {},
          h('th', { scope: 'row' }, idLink(`#/jobs/${job.id}`, job.request?.modelName ?? 'job', job.id)),
          h('td', {}, job.request?.target ?? '–'),
          h('td', {}, badge(job.status)),
          h('td', { 'data-testid': 'job-progress' }, progressLine(job)),
          h('td', {}, time(job.startedAt ?? job.createdAt)),
          h('td', {}, job.modelId ? link(`#/models/${job.modelId}`, 'open model') : '–'))))))));
}

export async function jobPage(main, signal, id) {
  let job = await api.get(`/api/training-jobs/${id}`, { signal });
  const history = [];
  const status = h('p', { class: 'job-status' });
  const progressBar = h('progress', { max: 1, value: 0, 'aria-label': 'Training progress' });
  const numbers = h('dl', { class: 'facts' });
  const words = h('p', { class: 'progress-words', 'data-testid': 'progress' });
  const chartHolder = h('div', { class: 'chart-holder' });
  const outcome = h('div', { class: 'outcome', role: 'status' });
  const leaks = h('div', {});
  const problemBox = problems.box();
  const cancel = h('button', { type: 'button', class: 'danger' }, 'Cancel');
  const stopKeepBest = h('button', { type: 'button' }, 'Stop, keep best');

  const post = async (keepBest) => {
    cancel.disabled = stopKeepBest.disabled = true;
    const answer = await problems.attempt(problemBox, () => api.post(`/api/training-jobs/${id}/cancel${keepBest ? '?keepBest=true' : ''}`));
    if (answer) { announce(keepBest ? 'Stopping; the best model so far will be kept.' : 'Canceling the job.'); update(answer); }
    else showControls();
  };
  cancel.addEventListener('click', () => post(false));
  stopKeepBest.addEventListener('click', () => post(true));

  const showControls = () => {
    const live = !FINISHED.includes(job.status);
    cancel.disabled = !live;
    stopKeepBest.disabled = job.status !== 'running';
  };

  let latest = null;
  const showNumbers = () => {
    words.textContent = progressLine({ ...job, progress: latest ?? job.progress });
    if (!latest) return;
    progressBar.value = latest.epochs ? latest.epoch / latest.epochs : 0;
    fill(numbers,
      fact('Epochs over all members', h('span', { 'data-testid': 'epoch' }, `${latest.epoch} of ${latest.epochs}`)),
      fact('Elapsed', duration(latest.elapsedSeconds)),
      fact('Time left (at most)', FINISHED.includes(job.status) ? '–' : duration(latest.etaSeconds)),
      // Members train side by side: the latest losses are one member's, so say whose.
      latest.member ? fact('Latest epoch', `member ${latest.member}, epoch ${latest.memberEpoch}`) : null,
      fact('Training loss', fmt(latest.trainLoss)),
      fact('Validation loss', fmt(latest.validationLoss)),
      fact('Validation metric', fmt(latest.validationMetric)));
  };

  const showProgress = (progress) => {
    if (!progress) return;
    // An epoch means the job runs: the stream only tells the status again when it finishes.
    if (job.status === 'queued') update({ ...job, status: 'running' });
    // The job the "finished" event carries may hold an older epoch than the last live one: keep the newest.
    if (latest && progress.epoch < latest.epoch) return;
    latest = progress;
    // Live epochs carry the leaks found before the first one, so a running job already warns of them.
    if (progress.leaks?.length && !job.leaks?.length) { job = { ...job, leaks: progress.leaks }; fill(leaks, leakNotice(job.leaks)); }
    if (!history.some((row) => row.epoch === progress.epoch)) history.push(progress);
    showNumbers();
    drawLiveSoon();
  };

  // Epochs of small networks arrive by the dozen each second: the chart is redrawn a few times a second at most, so
  // the page stays responsive however fast the job runs.
  let drawPending = null;
  const drawLiveSoon = () => {
    drawPending ??= setTimeout(() => {
      drawPending = null;
      if (!modelDrawn && !signal.aborted) fill(chartHolder, memberLossChart(history, 'Loss by epoch (live)'));
    }, 250);
  };

  const update = (next) => {
    job = next;
    fill(status, 'Status: ', badge(job.status));
    fill(leaks, leakNotice(job.leaks));
    showControls();
    showNumbers();
    if (job.modelId && FINISHED.includes(job.status)) drawFromModel(job.modelId);
    if (job.status === 'succeeded') {
      progressBar.value = 1;
      fill(outcome, h('p', {}, 'Training finished. ', link(`#/models/${job.modelId}`, 'Open the model')));
    } else if (job.status === 'failed' || job.status === 'canceled') {
      fill(outcome, h('p', {}, job.status === 'failed' ? `Training failed: ${job.error ?? 'no reason given.'}` : (job.error ?? 'Canceled.')),
        job.modelId ? h('p', {}, link(`#/models/${job.modelId}`, 'Open the model kept')) : null);
    }
  };

  // The stream only carries epochs from the moment the page subscribed; the stored model has them all.
  let modelDrawn = false;
  const drawFromModel = async (modelId) => {
    if (modelDrawn) return;
    modelDrawn = true;
    const model = await api.get(`/api/models/${modelId}`, { signal }).catch(() => null);
    if (!model?.history?.length || signal.aborted) return;
    history.splice(0, history.length, ...model.history);
    fill(chartHolder, memberLossChart(history, 'Loss by epoch'));
  };

  const request = job.request ?? {};
  fill(main,
    h('p', { class: 'crumbs' }, link('#/jobs', 'Training'), ' / '),
    h('h1', {}, `Training ${request.modelName ?? ''}`.trim()),
    h('p', { class: 'lead' }, `Predicting `, h('strong', {}, request.target ?? '?'), ` (${request.task ?? 'auto'}) from `,
      link(`#/datasets/${job.datasetId}`, 'its dataset'), `. Queued ${new Date(job.createdAt).toLocaleString()}.`),
    status,
    leaks,
    h('dl', { class: 'facts' }, fact('Job id', idCopy(job.id))),
    section('Progress', words, progressBar, numbers, chartHolder,
      h('div', { class: 'actions' }, stopKeepBest, cancel), problemBox, outcome),
    section('Settings', settingsList(request)));
  update(job);
  showProgress(job.progress);
  if (!job.progress) fill(chartHolder, h('p', { class: 'hint' }, job.status === 'queued' ? 'Waiting for the job to start…' : 'No epochs yet.'));

  follow(id, signal, showProgress, update).catch((error) => {
    if (!signal.aborted) problems.show(problemBox, error);
  });
}

/** Follows the event stream until the job finishes, reconnecting if the connection drops before that. */
async function follow(id, signal, onProgress, onFinished) {
  while (!signal.aborted) {
    try {
      for await (const { event, data } of api.serverSentEvents(`/api/training-jobs/${id}/events`, signal)) {
        if (event === 'progress') onProgress(data);
        else if (event === 'finished') {
          onFinished(data);
          onProgress(data.progress);
          return;
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error.status) throw error;
    }
    // The stream ended without "finished" (a restart, a proxy timeout): ask for the job, then listen again.
    const job = await api.get(`/api/training-jobs/${id}`, { signal });
    if (FINISHED.includes(job.status)) { onFinished(job); return; }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}


function settingsList(request) {
  const shown = Object.entries(request).filter(([key, value]) => !['datasetId', 'features'].includes(key) && value !== null && value !== undefined);
  return h('dl', { class: 'facts settings' }, shown.map(([key, value]) =>
    fact(key, Array.isArray(value) ? (value.length ? value.join(', ') : 'none') : String(value))));
}
