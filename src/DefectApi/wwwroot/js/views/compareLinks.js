// The way into a comparison from a model's page: its previous version side by side with it, or a choice of others.

import * as api from '../api.js';
import { h, fill, link } from '../dom.js';

/** The newest model of the same name and target with a lower version, if any. */
export function previousVersion(model, models) {
  return models
    .filter((m) => m.name === model.name && m.target === model.target && m.task === model.task && m.version < model.version)
    .sort((a, b) => b.version - a.version)[0] ?? null;
}

/** Links shown under a model's heading; the previous version is looked up after the page is shown. */
export function compareLinks(model, signal) {
  const holder = h('p', { class: 'compare-links' }, link(`#/compare/${model.id}`, 'Compare with other models'));
  api.get('/api/models', { signal }).then(({ items }) => {
    const previous = previousVersion(model, items);
    if (!previous || signal.aborted) return;
    fill(holder,
      link(`#/compare/${previous.id},${model.id}`, `Compare with the previous version (v${previous.version})`), ' · ',
      link(`#/compare/${model.id}`, 'with other models'));
  }).catch(() => { /* the link to choose models by hand stays */ });
  return holder;
}
