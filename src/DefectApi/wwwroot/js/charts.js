// Charts as plain SVG: no build step, no dependency, and full control over what assistive technology gets. Every
// chart is an <svg role="img"> named by its <title> and summarised in its <desc>, inside a <figure> whose caption
// holds the legend as text; colour is never the only cue (validation lines are dashed, markers are ringed).

import { h, fmt, uid } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) element.append(child);
  return element;
}

/** About five round tick values covering [min, max] (Heckbert's "nice numbers"). */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) { min -= 0.5; max += 0.5; }
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

function extent(values, padToZero = false) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (padToZero) min = Math.min(0, min);
  if (min === max) { min -= Math.abs(min) * 0.1 || 0.5; max += Math.abs(max) * 0.1 || 0.5; }
  return [min, max];
}

/**
 * A line and/or point chart.
 * series: [{ name, points: [[x, y]…], kind: 'line' | 'dots', style: 'a' … 'e', thin, legend: false to leave it out of the key }]
 * options: { title, description, xLabel, yLabel, xDomain, yDomain, marker: { x, y, label }, markers: { points: [[x, y]…], label },
 *            diagonal, width, height, xTicks: the x tick values (rather than round numbers), xFormat: an x value as text }
 */
export function plot({ title, description, xLabel, yLabel, series, xDomain, yDomain, marker, markers, diagonal, width = 560, height = 280,
  xTicks: xTickValues, xFormat = fmt }) {
  const margin = { top: 12, right: 16, bottom: 44, left: 60 };
  const innerWidth = width - margin.left - margin.right;
  const innerHeight = height - margin.top - margin.bottom;
  const all = series.flatMap((line) => line.points);
  const [x0, x1] = xDomain ?? extent(all.map((p) => p[0]));
  const [y0, y1] = yDomain ?? extent(all.map((p) => p[1]));
  const xTicks = xTickValues ?? niceTicks(x0, x1);
  const yTicks = niceTicks(y0, y1);
  const xs = (x) => margin.left + ((x - x0) / (x1 - x0 || 1)) * innerWidth;
  const ys = (y) => margin.top + innerHeight - ((y - y0) / (y1 - y0 || 1)) * innerHeight;
  const inside = (x, y) => Number.isFinite(x) && Number.isFinite(y);

  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-labelledby': titleId, 'aria-describedby': descId,
    preserveAspectRatio: 'xMidYMid meet',
  },
  s('title', { id: titleId }, title),
  s('desc', { id: descId }, description ?? summarise(series, xLabel, yLabel, xFormat)));

  const grid = s('g', { class: 'grid', 'aria-hidden': 'true' });
  for (const t of yTicks.filter((t) => t >= y0 && t <= y1)) {
    grid.append(s('line', { x1: margin.left, x2: margin.left + innerWidth, y1: ys(t), y2: ys(t) }),
      s('text', { x: margin.left - 6, y: ys(t), class: 'tick tick-y' }, fmt(t)));
  }
  for (const t of xTicks.filter((t) => t >= x0 && t <= x1)) {
    grid.append(s('line', { class: 'tick-mark', x1: xs(t), x2: xs(t), y1: margin.top + innerHeight, y2: margin.top + innerHeight + 4 }),
      s('text', { x: xs(t), y: margin.top + innerHeight + 16, class: 'tick tick-x' }, xFormat(t)));
  }
  grid.append(
    s('line', { class: 'axis', x1: margin.left, x2: margin.left + innerWidth, y1: margin.top + innerHeight, y2: margin.top + innerHeight }),
    s('line', { class: 'axis', x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + innerHeight }),
    s('text', { x: margin.left + innerWidth / 2, y: height - 6, class: 'axis-label' }, xLabel),
    s('text', { x: 14, y: margin.top + innerHeight / 2, class: 'axis-label', transform: `rotate(-90 14 ${margin.top + innerHeight / 2})` }, yLabel));
  svg.append(grid);

  const data = s('g', { 'aria-hidden': 'true' });
  if (diagonal) {
    data.append(s('line', { class: 'diagonal', x1: xs(Math.max(x0, y0)), y1: ys(Math.max(x0, y0)), x2: xs(Math.min(x1, y1)), y2: ys(Math.min(x1, y1)) }));
  }
  for (const line of series) {
    const points = line.points.filter(([x, y]) => inside(x, y));
    if (line.kind === 'dots') {
      const dots = s('g', { class: `series series-${line.style ?? 'a'}` });
      for (const [x, y] of points) dots.append(s('circle', { cx: xs(x).toFixed(1), cy: ys(y).toFixed(1), r: 2.5 }));
      data.append(dots);
    } else if (points.length > 0) {
      const d = points.map(([x, y], i) => `${i ? 'L' : 'M'}${xs(x).toFixed(1)},${ys(y).toFixed(1)}`).join('');
      data.append(s('path', { d, class: `series series-${line.style ?? 'a'}${line.thin ? ' thin' : ''}` }));
      if (points.length === 1) data.append(s('circle', { class: `series series-${line.style ?? 'a'}`, cx: xs(points[0][0]), cy: ys(points[0][1]), r: 3 }));
    }
  }
  for (const [x, y] of [marker ? [marker.x, marker.y] : null, ...(markers?.points ?? [])].filter(Boolean)) {
    if (inside(x, y)) data.append(s('circle', { class: 'marker', cx: xs(x).toFixed(1), cy: ys(y).toFixed(1), r: markers ? 4 : 6 }));
  }
  svg.append(data);

  const legend = h('figcaption', { class: 'legend' },
    series.filter((line) => line.legend !== false)
      .map((line) => h('span', { class: `key key-${line.style ?? 'a'} key-${line.kind ?? 'line'}` }, line.name)),
    (marker ?? markers)?.label ? h('span', { class: 'key key-marker' }, (marker ?? markers).label) : null);
  return h('figure', { class: 'chart-figure' }, svg, legend);
}

/** "Training loss: 40 points, x 1 to 40, y from 0.69 to 0.12." for the chart's <desc>. */
function summarise(series, xLabel, yLabel, xFormat = fmt) {
  return series.map((line) => {
    const points = line.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length === 0) return `${line.name}: no points yet.`;
    const first = points[0];
    const last = points[points.length - 1];
    return `${line.name}: ${points.length} points, ${xLabel} ${xFormat(first[0])} to ${xFormat(last[0])}, ${yLabel} from ${fmt(first[1])} to ${fmt(last[1])}.`;
  }).join(' ');
}

/** The loss curves of a training run, from history rows or progress events ({ epoch, trainLoss, validationLoss }). */
export function lossChart(rows, title = 'Loss by epoch') {
  return plot({
    title, xLabel: 'epoch', yLabel: 'loss',
    series: [
      { name: 'training loss', style: 'a', points: rows.map((r) => [r.epoch, r.trainLoss]) },
      { name: 'validation loss', style: 'b', points: rows.map((r) => [r.epoch, r.validationLoss]) },
    ],
  });
}

/** A confusion matrix as a table (rows: actual, columns: predicted) with cells shaded by their share of the row. */
export function confusionTable(labels, matrix, caption) {
  const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  return h('table', { class: 'confusion' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('td', {}), h('th', { scope: 'col', colspan: labels.length }, 'predicted')),
      h('tr', {}, h('th', { scope: 'col' }, 'actual'), labels.map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, matrix.map((row, i) => h('tr', {},
      h('th', { scope: 'row' }, labels[i]),
      row.map((count, j) => {
        const share = rowTotals[i] ? count / rowTotals[i] : 0;
        const cell = h('td', { class: i === j ? 'hit' : 'miss' }, String(count));
        cell.style.setProperty('--share', share.toFixed(3));
        return cell;
      })))));
}

/**
 * Two distributions over the same bins drawn small, for a table cell: per bin a filled bar (training share) and an
 * outlined bar (live share) beside it, so the two differ by shape as well as colour. Named by its title; its <desc>
 * lists every bin's two shares.
 * bins: [{ label, training, live }] with shares from 0 to 1.
 */
export function sparkline({ title, bins, width = 132, height = 30 }) {
  const tallest = Math.max(0, ...bins.flatMap((bin) => [bin.training, bin.live])) || 1;
  const slot = width / Math.max(1, bins.length);
  const barWidth = Math.max(1, slot / 2 - 1);
  const barHeight = (share) => Math.max(share > 0 ? 1 : 0, (share / tallest) * (height - 2));
  const titleId = uid('spark-title');
  const descId = uid('spark-desc');
  const share = (value) => `${(value * 100).toFixed(1)} %`;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'sparkline',
    'aria-labelledby': titleId, 'aria-describedby': descId },
  s('title', { id: titleId }, title),
  s('desc', { id: descId }, bins.length === 0 ? 'No bins.'
    : `Share of training rows, then of live records, per bin: ${bins.map((bin) => `${bin.label}: ${share(bin.training)}, ${share(bin.live)}`).join('; ')}.`));
  const bars = s('g', { 'aria-hidden': 'true' });
  bins.forEach((bin, i) => {
    const x = i * slot;
    bars.append(
      s('rect', { class: 'spark-training', x: x.toFixed(1), y: (height - barHeight(bin.training)).toFixed(1), width: barWidth.toFixed(1), height: barHeight(bin.training).toFixed(1) }),
      s('rect', { class: 'spark-live', x: (x + barWidth + 0.5).toFixed(1), y: (height - barHeight(bin.live)).toFixed(1), width: (barWidth - 0.5).toFixed(1), height: barHeight(bin.live).toFixed(1) }));
  });
  svg.append(bars, s('line', { class: 'spark-base', x1: 0, x2: width, y1: height - 0.5, y2: height - 0.5, 'aria-hidden': 'true' }));
  return svg;
}
