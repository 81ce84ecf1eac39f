// Errors in the page: the problem+json title and detail, and each field error both in a list and beside its field.

import { h, fill } from './dom.js';

/** Field names as the API reports them ("records[0].Torque [Nm]", "hiddenLayers") matched to a form's controls. */
function controlFor(form, key) {
  if (!form) return null;
  return [...form.elements].find((element) => element.name && (element.name === key || element.dataset.errorKey === key)) ?? null;
}

/** Clears what show() left on a form. */
export function clear(box, form) {
  fill(box);
  box.hidden = true;
  for (const element of form?.querySelectorAll('[aria-invalid]') ?? []) element.removeAttribute('aria-invalid');
  for (const message of form?.querySelectorAll('.field-error') ?? []) message.remove();
}

/** Shows an ApiError (or any Error) in box; field errors are also placed beside their form controls. */
export function show(box, error, form) {
  clear(box, form);
  const errors = Object.entries(error.errors ?? {});
  for (const [key, messages] of errors) {
    const control = controlFor(form, key);
    if (!control) continue;
    control.setAttribute('aria-invalid', 'true');
    const message = h('p', { class: 'field-error', id: `${control.id}-error` }, messages.join(' '));
    control.insertAdjacentElement('afterend', message);
    const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    if (!described.includes(message.id)) control.setAttribute('aria-describedby', [...described, message.id].join(' '));
  }
  fill(box,
    h('p', { class: 'problem-title' }, error.title ?? 'Something went wrong'),
    error.detail ? h('p', {}, error.detail) : null,
    errors.length ? h('ul', {}, errors.map(([key, messages]) => h('li', {}, h('code', {}, key), ': ', messages.join(' ')))) : null);
  box.hidden = false;
  box.focus();
}

/** A container for problems: an alert region that can take focus. */
export const box = () => h('div', { class: 'problem', role: 'alert', tabindex: '-1', hidden: true });

/** Runs an async action, showing its error in the box; returns its result or undefined. */
export async function attempt(target, action, form) {
  clear(target, form);
  try {
    return await action();
  } catch (error) {
    if (error.name === 'AbortError') return undefined;
    show(target, error, form);
    return undefined;
  }
}
