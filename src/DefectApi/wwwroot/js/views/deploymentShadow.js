// Setting and removing a deployment's challenger: a shadow model scored on every request off the request path,
// logged under the same prediction id and never returned, so it can prove itself before it is promoted.

import { updateDeployment } from '../deploymentUpdate.js';
import { h, field, link } from '../dom.js';
import * as problems from '../problems.js';
import { modelLabel } from './models.js';

/**
 * The challenger section. deployment: GET /api/deployments/{name}'s answer; models: every stored model; changed(text)
 * is called after a successful PUT, with what changed in words.
 */
export function challengerSection(deployment, models, changed) {
  const byId = new Map(models.map((model) => [model.id, model]));
  const champion = byId.get(deployment.modelId);
  const shadow = deployment.shadowModelId ? byId.get(deployment.shadowModelId) : null;
  const problemBox = problems.box();
  // The API takes only another model of the champion's target and task as its challenger; offering just those keeps
  // the choice to what can work, and a refusal (a model deleted meanwhile) is still shown with the API's reasons.
  const candidates = champion
    ? models.filter((model) => model.id !== champion.id && model.target === champion.target && model.task === champion.task)
    : [];
  const put = async (form, shadowModelId, done) => {
    if (await problems.attempt(problemBox, () => updateDeployment(deployment.name, { shadowModelId }), form)) await changed(done);
  };

  const parts = [];
  if (deployment.shadowModelId) {
    const remove = h('button', { type: 'button' }, 'Remove the challenger');
    remove.addEventListener('click', () => put(null, null, 'The challenger was removed: requests are scored by the champion alone.'));
    parts.push(
      h('p', { 'data-testid': 'challenger' }, 'Challenger: ',
        shadow ? link(`#/models/${shadow.id}`, modelLabel(shadow)) : h('code', {}, deployment.shadowModelId),
        '. It scores every request in the shadow; its answers are logged, never returned.'),
      h('div', { class: 'actions' }, remove));
  } else {
    parts.push(h('p', { 'data-testid': 'challenger' }, 'No challenger: requests are scored by the champion alone.'));
  }

  const choices = candidates.filter((model) => model.id !== deployment.shadowModelId);
  if (choices.length > 0) {
    const picker = h('select', { name: 'shadowModelId', required: true },
      choices.map((model) => h('option', { value: model.id }, modelLabel(model))));
    const form = h('form', { class: 'inline-form' },
      field(shadow ? 'Replace the challenger with' : 'Challenger model', picker),
      h('button', { type: 'submit' }, 'Set as challenger'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = byId.get(picker.value);
      put(form, picker.value, `${chosen ? modelLabel(chosen) : 'The chosen model'} is now the challenger.`);
    });
    parts.push(form);
  } else if (champion && !shadow) {
    parts.push(h('p', { class: 'empty' }, `No other model predicts ${champion.target} (${champion.task}): `,
      link(`#/datasets/${champion.datasetId}`, 'train one'), ' to challenge the champion.'));
  }
  parts.push(problemBox);
  return parts;
}
