// One model: metrics, curves (by task), training history, a deploy control and a form to try a prediction.

import * as api from '../api.js';
import { h, fill, fmt, bytes, time, section, field, badge, link, fact, idLink, idCopy, thead, deploymentLink } from '../dom.js';
import * as problems from '../problems.js';
import { plot, confusionTable } from '../charts.js';
import { byMember, memberLossChart, memberMetricChart, membersTable } from '../memberHistory.js';
import { compareLinks } from './compareLinks.js';
import { validationNote } from './validationNote.js';
import { thresholdSection } from './threshold.js';
import { predictSection } from './predict.js';
import { modelLabel, headline } from './models.js';
import { updateDeployment } from '../deploymentUpdate.js';
import { leakNotice } from '../leaks.js';

export const METRIC_NAMES = {
  auc: 'ROC AUC', prAuc: 'PR AUC', logLoss: 'log loss', accuracy: 'accuracy', precision: 'precision', recall: 'recall',
  f1: 'F1', threshold: 'threshold', rmse: 'RMSE', mae: 'MAE', r2: 'R²', macroF1: 'macro F1',
};

export async function modelPage(main, signal, id) {
  const model = await api.get(`/api/models/${id}`, { signal });
  const metrics = h('div', {});
  const showMetrics = (current) => fill(metrics, metricCards(current.metrics));
  showMetrics(model);
  const thresholdFact = h('span', {}, fmt(model.threshold));

  fill(main,
    h('p', { class: 'crumbs' }, link('#/models', 'Models'), ' / '),
    h('h1', {}, modelLabel(model)),
    compareLinks(model, signal),
    leakNotice(model.leaks),
    h('dl', { class: 'facts' },
      fact('Task', badge(model.task)), fact('Target', model.target),
      model.positiveClass !== null && model.positiveClass !== undefined ? fact('Positive class', model.positiveClass) : null,
      model.classes?.length ? fact('Classes', model.classes.join(', ')) : null,
      model.task === 'binary' ? fact('Threshold', thresholdFact) : null,
      fact('Trained', time(model.createdAt)),
      fact('Id', idCopy(model.id)),
      fact('From', h('span', {}, link(`#/datasets/${model.datasetId}`, 'dataset'), ' · ', idLink(`#/jobs/${model.jobId}`, 'job', model.jobId)))),
    section('Validation metrics', validationNote(model.validation), metrics),
    model.task === 'binary'
      ? thresholdSection(model, (updated) => {
        model.threshold = updated.threshold;
        showMetrics(updated);
        thresholdFact.textContent = fmt(updated.threshold);
      })
      : null,
    model.task === 'multiclass' ? multiclassSection(model) : null,
    model.task === 'regression' ? regressionSection(model) : null,
    historySection(model),
    predictSection(model, signal),
    inputsSection(model),
    downloadSection(model),
    manageSection(model));
}

function metricCards(metrics) {
  const entries = Object.entries(metrics ?? {}).filter(([, value]) => typeof value === 'number' || value === null);
  return h('dl', { class: 'metrics' }, entries.map(([key, value]) =>
    h('div', { class: 'metric' }, h('dt', {}, METRIC_NAMES[key] ?? key), h('dd', { 'data-metric': key }, fmt(value)))));
}

function multiclassSection(model) {
  const cm = model.metrics?.confusionMatrix;
  const matrix = Array.isArray(cm) ? cm : cm?.matrix;
  const labels = cm?.labels ?? model.classes ?? [];
  if (!Array.isArray(matrix) || matrix.length !== labels.length) return null;
  return section('Confusion matrix', confusionTable(labels, matrix, 'Validation records by actual and predicted class'));
}

/** Predicted against actual on the validation split, when the service sends those pairs (validationPredictions). */
function regressionSection(model) {
  const pairs = model.validationPredictions;
  if (!Array.isArray(pairs) || pairs.length === 0) return null;
  const values = pairs.flatMap((p) => [p.actual, p.predicted]).filter(Number.isFinite);
  const domain = [Math.min(...values), Math.max(...values)];
  return section('Predicted against actual', h('div', { class: 'chart-single' },
    plot({
      title: `Predicted against actual ${model.target}`,
      description: `${pairs.length} validation records; points on the diagonal are exact predictions. RMSE ${fmt(model.metrics?.rmse)}, R² ${fmt(model.metrics?.r2)}.`,
      xLabel: `actual ${model.target}`, yLabel: `predicted ${model.target}`, xDomain: domain, yDomain: domain, diagonal: true,
      series: [{ name: 'validation record', kind: 'dots', style: 'a', points: pairs.map((p) => [p.actual, p.predicted]) }],
    })));
}

/** Each ensemble member's run on a shared epoch axis, with the epoch each member keeps. */
function historySection(model) {
  const history = model.history ?? [];
  if (history.length === 0) return null;
  // The trainer reports the task's headline metric each epoch (AUC, accuracy or R²).
  const [metricName] = headline(model);
  return section('Training history',
    h('p', { class: 'hint' }, byMember(history)
      ? 'The model averages several networks (members), each trained on its own part of the data. ' +
        'Solid lines are training loss, dashed lines validation loss; bold lines are the mean of the members.'
      : 'This model was stored before the service recorded ensemble members: its history runs the members one after ' +
        'another, so each jump back up in the loss is the next member starting.'),
    h('div', { class: 'chart-row' }, memberLossChart(history, 'Loss by epoch'), memberMetricChart(history, metricName)),
    membersTable(history, metricName));
}

function inputsSection(model) {
  return section('Inputs',
    h('div', { class: 'table-scroll' }, h('table', {},
      thead('Column', 'Type', 'Categories'),
      h('tbody', {}, model.inputs.map((input) => h('tr', {},
        h('th', { scope: 'row' }, input.name), h('td', {}, badge(input.type)),
        h('td', {}, input.categories?.length ? input.categories.slice(0, 12).join(', ') + (input.categories.length > 12 ? ', …' : '') : '–')))))),
    model.droppedColumns?.length
      ? h('div', {}, h('h3', {}, 'Left out'), h('ul', {}, model.droppedColumns.map((d) => h('li', {}, h('strong', {}, d.name), `: ${d.reason}${d.detail ? ` (${d.detail})` : ''}`))))
      : null);
}

/** The model as files to take elsewhere: the bundle for another DefectApi installation (POST /api/models/import),
 * ONNX for any ONNX runtime. Fetched with the API key, which a plain link could not send. */
function downloadSection(model) {
  const problemBox = problems.box();
  const done = h('p', { role: 'status' });
  const button = (text, path, fallbackName) => {
    const control = h('button', { type: 'button' }, text);
    control.addEventListener('click', async () => {
      control.disabled = true;
      fill(done);
      const file = await problems.attempt(problemBox, () => api.download(path, fallbackName));
      control.disabled = false;
      if (file) fill(done, `Downloaded ${file.name} (${bytes(file.size)}).`);
    });
    return control;
  };
  const base = `${model.name}-v${model.version}`;
  return section('Download',
    h('p', { class: 'hint' }, 'The bundle holds the whole model and its history; import it on another DefectApi installation ' +
      '(Models, Import a model) to predict there exactly as here. ONNX runs the model in any ONNX runtime.'),
    h('div', { class: 'actions' },
      button('Download bundle', `/api/models/${model.id}/bundle`, `${base}.dabundle`),
      button('Download ONNX', `/api/models/${model.id}/onnx`, `${base}.onnx`)),
    done, problemBox);
}

/** Deploy under a name (PUT /api/deployments/{name}) and delete. */
function manageSection(model) {
  const name = h('input', { type: 'text', name: 'name', required: true, autocomplete: 'off', placeholder: 'line3', pattern: '[A-Za-z0-9][\\w.\\-]{0,99}' });
  const problemBox = problems.box();
  const done = h('p', { role: 'status' });
  const deploy = h('form', { class: 'inline-form' },
    field('Deployment name', name, 'MES systems call /api/deployments/{name}/predict; moving the name later changes nothing for them.'),
    h('button', { type: 'submit', class: 'primary' }, 'Deploy'));
  deploy.addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await problems.attempt(problemBox, async () => {
      // The name keeps its challenger (unless this model is it: a promotion) and its key columns.
      const { after } = await updateDeployment(name.value.trim(), (current) => ({
        modelId: model.id,
        shadowModelId: current?.shadowModelId && current.shadowModelId !== model.id ? current.shadowModelId : null,
      }));
      return after;
    }, deploy);
    if (result) fill(done, `"${result.name}" now points at this model. `, 'Open ', deploymentLink(result.name));
  });
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete model');
  remove.addEventListener('click', async () => {
    if (!confirm(`Delete ${modelLabel(model)}? This cannot be undone.`)) return;
    if (await problems.attempt(problemBox, async () => { await api.del(`/api/models/${model.id}`); return true; })) location.hash = '#/models';
  });
  return section('Deploy', deploy, done, problemBox, h('div', { class: 'actions' }, remove));
}
