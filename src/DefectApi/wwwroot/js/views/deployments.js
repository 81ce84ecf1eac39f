// Deployments: which model each stable name points at, and moving a name to another model (roll forward or back).

import * as api from '../api.js';
import { h, fill, time, section, field, announce, link, idCopy, thead, deploymentLink } from '../dom.js';
import * as problems from '../problems.js';
import { modelLabel } from './models.js';
import { updateDeployment } from '../deploymentUpdate.js';

const modelPicker = (models, selected) => {
  const select = h('select', { name: 'modelId', required: true }, models.map((m) => h('option', { value: m.id }, `${modelLabel(m)} (${m.task}, ${m.target})`)));
  if (selected) select.value = selected;
  return select;
};

/** The challenger a deployment keeps when it moves to another model: the API takes only another model of the new
 * model's target and task, so a challenger that is the new model, or answers another question, is dropped. */
function keptChallenger(deployment, modelId, byId) {
  const shadow = byId.get(deployment?.shadowModelId);
  const model = byId.get(modelId);
  return shadow && model && shadow.id !== model.id && shadow.target === model.target && shadow.task === model.task ? shadow.id : null;
}

export async function deploymentsPage(main, signal, message = '') {
  const [{ items: deployments }, { items: models }] = await Promise.all([
    api.get('/api/deployments', { signal }), api.get('/api/models', { signal })]);
  const byId = new Map(models.map((m) => [m.id, m]));
  const problemBox = problems.box();
  const status = h('p', { class: 'done' }, message);

  const move = async (form, name, modelId) => {
    // Read afresh rather than from the list: the name keeps the key columns and challenger it has now.
    const moved = await problems.attempt(problemBox,
      () => updateDeployment(name, (current) => ({ modelId, shadowModelId: keptChallenger(current, modelId, byId) })), form);
    if (!moved) return;
    const { before, after } = moved;
    const dropped = before?.shadowModelId && !after.shadowModelId ? ' Its challenger was removed: it cannot challenge that model.' : '';
    const text = `"${after.name}" now points at ${modelLabel(byId.get(after.modelId))}.${dropped}`;
    announce(text);
    await deploymentsPage(main, signal, text);
  };

  const modelCell = (id) => (byId.has(id) ? link(`#/models/${id}`, modelLabel(byId.get(id))) : idCopy(id));
  const rows = deployments.map((deployment) => {
    const picker = modelPicker(models, deployment.modelId);
    picker.setAttribute('aria-label', `Model for ${deployment.name}`);
    const form = h('form', { class: 'inline-form' }, picker, h('button', { type: 'submit' }, 'Point here'));
    form.addEventListener('submit', (event) => { event.preventDefault(); move(form, deployment.name, picker.value); });
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete deployment ${deployment.name}` }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!confirm(`Delete the deployment "${deployment.name}"? Callers of it will get 404 until it is created again.`)) return;
      if (await problems.attempt(problemBox, async () => { await api.del(`/api/deployments/${encodeURIComponent(deployment.name)}`); return true; })) {
        await deploymentsPage(main, signal);
      }
    });
    return h('tr', {},
      h('th', { scope: 'row' }, deploymentLink(deployment.name)),
      h('td', {}, modelCell(deployment.modelId)),
      h('td', {}, deployment.shadowModelId ? modelCell(deployment.shadowModelId) : '–'),
      h('td', {}, time(deployment.updatedAt)),
      h('td', {}, models.length ? form : '–'),
      h('td', {}, remove));
  });

  const name = h('input', { type: 'text', name: 'name', required: true, autocomplete: 'off', placeholder: 'line3' });
  const create = h('form', { class: 'inline-form' },
    field('Name', name), field('Model', modelPicker(models)), h('button', { type: 'submit', class: 'primary' }, 'Create'));
  create.addEventListener('submit', (event) => {
    event.preventDefault();
    move(create, name.value.trim(), create.elements.namedItem('modelId').value);
  });

  fill(main,
    h('h1', {}, 'Deployments'),
    h('p', { class: 'lead' }, 'A deployment is the stable name MES systems call (POST /api/deployments/{name}/predict). Point it at another model to roll forward or back; callers change nothing.'),
    problemBox, status,
    section('Deployments', deployments.length === 0
      ? h('p', { class: 'empty' }, 'No deployments yet.')
      : h('div', { class: 'table-scroll' }, h('table', {},
        thead('Name', 'Model', 'Challenger', 'Since', 'Point at', 'Remove'),
        h('tbody', {}, rows)))),
    section('New deployment', models.length === 0
      ? h('p', { class: 'empty' }, 'Train a model first: ', link('#/datasets', 'datasets'), '.')
      : create));
}
