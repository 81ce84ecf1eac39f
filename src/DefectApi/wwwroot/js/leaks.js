// Probable leaks a training found (GET /api/training-jobs/{id} and /api/models/{id} answer them as `leaks`): shown on
// the job and the model pages before anyone deploys, because a model that reads them scores well in validation and
// fails on the line, where those columns do not exist before the outcome.
import { h, fmt } from './dom.js';

export function leakNotice(leaks) {
  if (!leaks?.length) return null;
  const kept = leaks.filter((leak) => !leak.excluded);
  return h('div', { class: 'notice', role: 'alert', 'data-testid': 'leaks' },
    h('p', {}, h('strong', {}, kept.length
      ? `Probable leaks kept as inputs (${kept.length}): check them before deploying.`
      : `Probable leaks left out (${leaks.length}): columns recorded with the outcome are not known on the line.`)),
    h('ul', {}, leaks.map((leak) => h('li', {},
      h('strong', {}, leak.name), ` (${leak.excluded ? 'left out' : 'kept'}, score ${fmt(leak.score)}): ${leak.detail}`))),
    kept.length ? h('p', { class: 'hint' }, 'Train again with leakage "exclude" (the default) to leave them out.') : null);
}
