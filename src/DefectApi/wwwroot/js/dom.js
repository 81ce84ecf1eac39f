// Small DOM and formatting helpers shared by every view. Elements are built with h() rather than innerHTML so that
// no value from a CSV or a model ever becomes markup.

/** h('p', { class: 'note' }, 'text', child…): attributes starting with "on" become listeners; null/false are skipped. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A horizontal bar whose length is a share (0..1), drawn with the CSSOM so the page's style policy allows it. */
export function bar(share, className = '') {
  const inner = h('span', { class: 'bar-fill' });
  inner.style.inlineSize = `${Math.max(0, Math.min(1, share)) * 100}%`;
  return h('span', { class: `bar ${className}`.trim(), 'aria-hidden': 'true' }, inner);
}

let uniqueCounter = 0;
/** An id for label/aria wiring that is unique within the page. */
export const uid = (prefix = 'id') => `${prefix}-${++uniqueCounter}`;

/** Tells screen-reader users about something that changed away from their focus. */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = message;
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 });

/** A number for people: up to 4 significant decimals, or a dash for missing. */
export function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return String(value);
  if (digits !== undefined) return value.toFixed(digits);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) return value.toExponential(2);
  return numberFormat.format(magnitude >= 100 ? Math.round(value * 100) / 100 : Number(value.toPrecision(4)));
}

export const pct = (share, digits = 1) => (share === null || share === undefined ? '–' : `${(share * 100).toFixed(digits)} %`);

export function bytes(count) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const when = (iso) => (iso ? dateFormat.format(new Date(iso)) : '–');
export const time = (iso) => h('time', { datetime: iso }, when(iso));

/** A section with a heading, the dashboard's unit of layout. */
export function section(title, ...children) {
  const id = uid('section');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** A labelled form control: h('label') + control + optional hint, wired with for/aria-describedby. */
export function field(labelText, control, hint) {
  control.id ||= uid('field');
  const parts = [h('label', { for: control.id }, labelText), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('small', { id: hintId, class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

export const badge = (text, kind = text) => h('span', { class: `badge badge-${kind}` }, text);

export const link = (href, text) => h('a', { href }, text);

/** The last 8 hex digits of an id. The ids are UUID v7, whose first digits are a timestamp that records made within
 * a minute share; the tail is random, so it tells apart records made together. */
export const shortId = (id) => String(id).replace(/-/g, '').slice(-8);

/** A record named for people: "name · 3f9a1c2e". */
export const idLabel = (label, id) => `${label} · ${shortId(id)}`;

/** A link to a record, labelled as idLabel, with the full id on hover. Every link that shows an id uses it. */
export const idLink = (href, label, id) => h('a', { href, title: `${label}, id ${id}`, 'data-id': id }, idLabel(label, id));

/** A wide table's scroll box that keyboard users can reach and scroll (a region named for what it holds). */
export const scrollBox = (label, table) => h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label }, table);

/** A deployment's name as a link to its page: every place that shows a deployment's name uses it. */
export const deploymentLink = (name) => h('a', { href: `#/deployments/${encodeURIComponent(name)}` }, h('code', {}, name));

/** A record's id as "3f9a1c2e" (full id on hover) and a button that copies the full id. */
export function idCopy(id) {
  const code = h('code', { class: 'short-id', title: id, 'data-id': id }, shortId(id));
  // The full id is part of the button's text (hidden from sight), so a screen reader says what it copies.
  const button = h('button', { type: 'button', class: 'copy-id' }, 'Copy id', h('span', { class: 'visually-hidden' }, ` ${id}`));
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(id);
      announce('Id copied.');
      button.firstChild.textContent = 'Copied';
    } catch {
      // Without clipboard access (a page not served over HTTPS or localhost) the id is selected to copy by hand.
      getSelection()?.selectAllChildren(code);
      announce('The id is selected: copy it with the keyboard.');
    }
  });
  return h('span', { class: 'id-copy' }, code, ' ', button);
}

/** One term and value in a <dl class="facts">. */
export const fact = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));

/** A table head row; labels ending in "#" head a column of numbers (right-aligned like its cells). */
export const thead = (...labels) => h('thead', {}, h('tr', {}, labels.map((label) => (label.endsWith('#')
  ? h('th', { scope: 'col', class: 'num' }, label.slice(0, -1))
  : h('th', { scope: 'col' }, label)))));
