// Which validation gave a model's metrics and, beside random folds, the time-ordered figure: shown side by side when
// they differ by more than their noise (standard error), since then the random figure promises more than the line sees.

import { h, fmt } from '../dom.js';

export function validationNote(validation) {
  if (!validation) return h('p', { class: 'hint' }, 'Measured on the validation split, which training did not see.');
  const kind = validation.kind === 'time' ? 'Time-ordered folds' : 'Random folds';
  const groups = validation.groupColumn ? `, whole groups of ${validation.groupColumn}` : '';
  // The service's note often starts by naming the folds itself ("Random folds, stratified by class."): not said twice.
  const said = validation.note.toLowerCase().startsWith(kind.toLowerCase());
  const parts = [h('p', { class: 'hint' }, said && !groups ? validation.note : `${kind}${groups}: ${validation.note}`)];
  const other = validation.timeOrdered;
  if (other?.differsBeyondNoise) {
    parts.push(h('p', { class: 'notice', role: 'note' },
      h('strong', {}, `${validation.metric.toUpperCase()} ${figure(validation)} with random folds, ${figure(other)} in time order. `),
      `Validated forward in time by ${other.timeColumn ?? 'row order'}, the model does worse than random folds say: expect the time-ordered figure on the line, or train with validation "time".`));
  } else if (other) {
    parts.push(h('p', { class: 'hint' }, `In time order (${other.timeColumn ?? 'row order'}) the ${validation.metric} is ${figure(other)}, within noise of the random folds' ${figure(validation)}.`));
  }
  return h('div', { class: 'validation-note' }, parts);
}

function figure(f) {
  return f.standardError === null || f.standardError === undefined ? fmt(f.value) : `${fmt(f.value)} ± ${fmt(f.standardError)}`;
}
