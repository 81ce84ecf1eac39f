// The dashboard's table of contents: hash routes to views. Each view gets the <main> element and an AbortSignal that
// fires when the user navigates away, so live streams and pending calls stop with their page.

import { h, fill } from './dom.js';
import * as problems from './problems.js';
import { apiKey, setApiKey } from './api.js';
import { datasetsPage, datasetPage } from './views/datasets.js';
import { jobsPage, jobPage } from './views/jobs.js';
import { modelsPage } from './views/models.js';
import { modelPage } from './views/model.js';
import { deploymentsPage } from './views/deployments.js';
import { deploymentPage } from './views/deployment.js';
import { comparePage } from './views/compare.js';
import { keysPage } from './views/keys.js';

const routes = [
  [/^#\/datasets$/, datasetsPage],
  [/^#\/datasets\/([\w-]+)$/, datasetPage],
  [/^#\/jobs$/, jobsPage],
  [/^#\/jobs\/([\w-]+)$/, jobPage],
  [/^#\/models$/, modelsPage],
  [/^#\/models\/([\w-]+)$/, modelPage],
  [/^#\/deployments$/, deploymentsPage],
  [/^#\/deployments\/([\w.-]+)$/, deploymentPage],
  [/^#\/compare$/, comparePage],
  [/^#\/compare\/([\w,-]+)$/, comparePage],
  [/^#\/keys$/, keysPage],
];

const main = document.getElementById('main');
let current = null;

async function render() {
  const hash = location.hash || '#/datasets';
  const match = routes.map(([pattern, view]) => [hash.match(pattern), view]).find(([found]) => found);
  current?.abort();
  current = new AbortController();
  const { signal } = current;
  markCurrentLink(hash);
  if (!match) {
    fill(main, h('h1', {}, 'Page not found'), h('p', {}, 'There is nothing at this address. ', h('a', { href: '#/datasets' }, 'Go to the datasets.')));
    main.dataset.route = hash;
    return;
  }
  const [[, ...parameters], view] = match;
  main.setAttribute('aria-busy', 'true');
  fill(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    await view(main, signal, ...parameters.map(decodeURIComponent));
  } catch (error) {
    if (error.name === 'AbortError' || signal.aborted) return;
    const target = problems.box();
    fill(main, h('h1', {}, 'This page could not be shown'), target);
    problems.show(target, error);
  } finally {
    if (!signal.aborted) {
      main.removeAttribute('aria-busy');
      main.dataset.route = hash; // which route the content shows: lets tests (and scripts) wait for a page
      const heading = main.querySelector('h1');
      document.title = heading ? `${heading.textContent} · DefectApi` : 'DefectApi';
    }
  }
}

function markCurrentLink(hash) {
  for (const anchor of document.querySelectorAll('nav a')) {
    const section = anchor.getAttribute('href');
    if (section.startsWith('#/') && (hash === section || hash.startsWith(`${section}/`))) anchor.setAttribute('aria-current', 'page');
    else anchor.removeAttribute('aria-current');
  }
}

// A route change moves focus to the new page, as a full page load would.
window.addEventListener('hashchange', async () => {
  await render();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
});

// The skip link would otherwise change the hash and so the route.
document.querySelector('[data-skip]').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

// While a key is kept for this tab, the header offers to forget it (to sign in with another).
const forget = document.getElementById('forget-key');
const showKeyState = () => { forget.hidden = !apiKey(); };
window.addEventListener('apikeychange', showKeyState);
forget.addEventListener('click', () => { setApiKey(null); render(); });
showKeyState();

render();
