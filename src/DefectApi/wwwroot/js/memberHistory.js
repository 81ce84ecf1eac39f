// An ensemble's training history drawn member by member on one epoch axis (each member's own epochs), so ten members
// read as ten runs side by side rather than one run that keeps collapsing. Rows are a model's history or the live
// progress events: { member, memberEpoch, trainLoss, validationLoss, validationMetric, chosen }.

import { h, fmt, thead } from './dom.js';
import { plot, lossChart } from './charts.js';

/** Rows grouped by member, each member's in epoch order; null when the rows do not name members (older models). */
export function byMember(rows) {
  if (rows.length === 0 || rows.some((r) => r.member === null || r.member === undefined)) return null;
  const members = new Map();
  for (const row of rows) {
    if (!members.has(row.member)) members.set(row.member, []);
    members.get(row.member).push(row);
  }
  for (const list of members.values()) list.sort((a, b) => a.memberEpoch - b.memberEpoch);
  return new Map([...members.entries()].sort(([a], [b]) => a - b));
}

/** The mean of a value at each member epoch, over the members that reached that epoch. */
function meanByEpoch(members, value) {
  const sums = new Map();
  for (const rows of members.values()) {
    for (const row of rows) {
      const v = value(row);
      if (!Number.isFinite(v)) continue;
      const [sum, count] = sums.get(row.memberEpoch) ?? [0, 0];
      sums.set(row.memberEpoch, [sum + v, count + 1]);
    }
  }
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([epoch, [sum, count]]) => [epoch, sum / count]);
}

const chosenRow = (rows) => rows.find((r) => r.chosen);

/** Training (solid) and validation (dashed) loss of every member, thin, with the members' mean of each drawn bold
 * and a ring on each member's validation loss at the epoch it keeps. */
export function memberLossChart(rows, title = 'Loss by epoch') {
  const members = byMember(rows);
  if (!members) return lossChart(rows, title); // one series over the run, as such a model was recorded
  const lines = [...members.values()].flatMap((list) => [
    { name: 'training loss, each member', style: 'a', thin: true, points: list.map((r) => [r.memberEpoch, r.trainLoss]) },
    { name: 'validation loss, each member', style: 'b', thin: true, points: list.map((r) => [r.memberEpoch, r.validationLoss]) },
  ]);
  // Only the first member's pair goes in the key: the rest are the same kind of line.
  lines.forEach((line, i) => { if (i > 1) line.legend = false; });
  const many = members.size > 1;
  if (many) {
    lines.push(
      { name: 'training loss, mean of members', style: 'a', points: meanByEpoch(members, (r) => r.trainLoss) },
      { name: 'validation loss, mean of members', style: 'b', points: meanByEpoch(members, (r) => r.validationLoss) });
  }
  const chosen = [...members.values()].map(chosenRow).filter(Boolean);
  const last = (list) => list[list.length - 1];
  return plot({
    title, xLabel: 'epoch of each member', yLabel: 'loss', series: lines,
    markers: chosen.length ? { points: chosen.map((r) => [r.memberEpoch, r.validationLoss]), label: 'epoch each member keeps' } : undefined,
    description: `${members.size} ${many ? 'members' : 'member'}, each from epoch 1: ` + [...members.entries()].map(([member, list]) =>
      `member ${member} ran ${list.length} epochs, training loss ${fmt(list[0].trainLoss)} to ${fmt(last(list).trainLoss)}, ` +
      `validation loss ${fmt(list[0].validationLoss)} to ${fmt(last(list).validationLoss)}` +
      (chosenRow(list) ? `, keeps epoch ${chosenRow(list).memberEpoch}` : '')).join('; ') + '.',
  });
}

/** The validation metric of every member on the shared epoch axis, each member's kept epoch ringed. */
export function memberMetricChart(rows, metricName) {
  const members = byMember(rows);
  const points = (list, x) => list.map((r) => [x(r), r.validationMetric]).filter(([, y]) => Number.isFinite(y));
  if (!members) {
    const all = points(rows, (r) => r.epoch);
    return all.length ? plot({
      title: `Validation ${metricName} by epoch`, xLabel: 'epoch', yLabel: metricName,
      series: [{ name: `validation ${metricName}`, style: 'c', points: all }],
    }) : null;
  }
  const lines = [...members.values()].map((list, i) => ({
    name: `validation ${metricName}, each member`, style: 'c', thin: true, legend: i === 0, points: points(list, (r) => r.memberEpoch),
  }));
  if (!lines.some((line) => line.points.length)) return null;
  const chosen = [...members.values()].map(chosenRow).filter((r) => r && Number.isFinite(r.validationMetric));
  return plot({
    title: `Validation ${metricName} by epoch of each member`, xLabel: 'epoch of each member', yLabel: metricName, series: lines,
    markers: chosen.length ? { points: chosen.map((r) => [r.memberEpoch, r.validationMetric]), label: 'epoch each member keeps' } : undefined,
    description: `${members.size} members. ` + chosen.map((r) => `Member ${r.member} keeps epoch ${r.memberEpoch}, ${metricName} ${fmt(r.validationMetric)}.`).join(' '),
  });
}

/** Each member's run in numbers: how long it trained and the epoch it keeps. */
export function membersTable(rows, metricName) {
  const members = byMember(rows);
  if (!members) return null;
  return h('div', { class: 'table-scroll' }, h('table', { 'data-testid': 'members' },
    h('caption', {}, 'The epoch each member keeps is the one with its best validation ' + metricName),
    thead('Member', 'Epochs trained#', 'Kept epoch#', `Validation ${metricName}#`, 'Validation loss#'),
    h('tbody', {}, [...members.entries()].map(([member, list]) => {
      const kept = chosenRow(list);
      return h('tr', {},
        h('th', { scope: 'row' }, `member ${member}`),
        h('td', { class: 'num' }, String(list.length)),
        h('td', { class: 'num' }, kept ? String(kept.memberEpoch) : '–'),
        h('td', { class: 'num' }, fmt(kept?.validationMetric)),
        h('td', { class: 'num' }, fmt(kept?.validationLoss)));
    }))));
}
