/**
 * The map and the timeline charts, drawn with Observable Plot (`@observablehq/plot`, ISC, by the d3 team). Why Plot:
 * it is maintained by Observable, draws SVG (crisp at any width, readable by assistive technology, styleable by our
 * CSS), has geographic projections and a `geo` mark for a choropleth as well as time-scaled bars, builds legends, sets
 * `aria-label`, `<title>` and link (`href`) channels per mark element, and needs no `eval`: it runs under a policy
 * that allows no inline script. It does write inline styles (`style-src 'unsafe-inline'`, which the page already
 * allowed and which is all it needs). Chart.js or ECharts would draw on a canvas, opaque to a screen reader; raw d3
 * would be ten times the code for the same charts. Country shapes: world-atlas (Natural Earth, 1:110m), TopoJSON,
 * decoded by topojson-client; scripts/build-dashboard.mjs replaces their ISO numeric ids by our alpha-2 codes.
 *
 * Every chart has its numbers beside it in a table (the views build those); the charts are the picture of the table.
 */
import * as Plot from '@observablehq/plot';
import { feature } from 'topojson-client';
import world from 'virtual:world';
import { fmt, hrefCountry, num, plural } from './dashboard-core.js';

/** Countries with a shape, id = ISO 3166-1 alpha-2 (null for a shape no code names, drawn without data). */
const SHAPES = feature(world, world.objects.countries).features;

export const MAP_METRICS = {
  listedEntities: { label: 'Listed entities', one: 'listed entity', many: 'listed entities' },
  articles: { label: 'Articles mentioning the country', one: 'article', many: 'articles' },
  listedEntitiesInNews: {
    label: 'Listed entities in the news',
    one: 'listed entity in the news',
    many: 'listed entities in the news',
  },
};

/**
 * The choropleth of one metric of `/counts/countries` items. Countries with a count are links to their page; the
 * others are drawn in the land colour with no link (nothing behind them to show).
 */
export function worldMap(items, metric, width) {
  var m = MAP_METRICS[metric];
  var byCc = new Map(items.map((i) => [String(i.country), i]));
  var value = (f) => num(byCc.get(f.id)?.[metric]);
  var withData = SHAPES.filter((f) => value(f) > 0);
  var name = (f) => String(byCc.get(f.id)?.name || f.properties?.name || f.id || '');
  var label = (f) => `${name(f)}: ${plural(value(f), m.one, m.many)}`;
  var fig = Plot.plot({
    width: width,
    height: Math.round(width * 0.5),
    projection: 'equal-earth',
    color: { type: 'quantize', n: 5, scheme: 'blues', legend: true, label: m.label, domain: domainOf(withData, value) },
    marks: [
      Plot.sphere({ stroke: 'currentColor', strokeOpacity: 0.25 }),
      Plot.geo(SHAPES, { fill: 'currentColor', fillOpacity: 0.1, stroke: 'currentColor', strokeOpacity: 0.25 }),
      Plot.geo(withData, {
        fill: value,
        stroke: 'currentColor',
        strokeOpacity: 0.45,
        strokeWidth: 0.5,
        href: (f) => hrefCountry(f.id),
        title: label,
        ariaLabel: label,
      }),
    ],
  });
  // Plot puts the label on the shape and links with xlink:href; a link announces its own name, and a plain href is
  // what CSS selectors and SVG 2 read. data-* carry the numbers for the browser test.
  fig.querySelectorAll('a').forEach((a) => {
    var path = a.querySelector('path');
    if (!path) return;
    var i = withData.findIndex((f) => label(f) === path.getAttribute('aria-label'));
    if (i < 0) return;
    var f = withData[i];
    a.setAttribute('href', hrefCountry(f.id));
    a.setAttribute('aria-label', label(f));
    a.setAttribute('data-country', f.id);
    a.setAttribute('data-value', String(value(f)));
    path.removeAttribute('aria-label');
  });
  var svg = fig.tagName.toLowerCase() === 'svg' ? fig : fig.querySelector('svg:last-of-type');
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.setAttribute(
      'aria-label',
      `World map of ${m.label.toLowerCase()} by country: ${plural(withData.length, 'country has', 'countries have')} a count. The table of countries below holds the same numbers.`,
    );
  }
  return fig;
}

/** 1…max, so the five classes split the counts that exist (a zero is "no data" grey, not the palest blue). */
function domainOf(features, value) {
  var max = features.reduce((a, f) => Math.max(a, value(f)), 0);
  return [features.length ? 1 : 0, Math.max(max, 1)];
}

const DAY_MS = 86_400_000;
const dayMs = (d) => Date.parse(`${String(d).slice(0, 10)}T00:00:00Z`);

/** Whole-number ticks: counts of articles have no halves. */
function integerTicks(max) {
  var step = Math.max(1, Math.ceil(max / 5));
  var out = [];
  for (let t = 0; t <= max; t += step) out.push(t);
  return out;
}

/**
 * `/counts/timeline` items as bars of articles per period (a period spans its days, `start`…`end` inclusive) and a
 * line of mentions.
 */
export function timelineChart(items, width, colors) {
  var max = items.reduce((a, i) => Math.max(a, num(i.articles), num(i.mentions)), 0);
  var title = (d) =>
    `${d.period}: ${plural(d.articles, 'article', 'articles')}, ${plural(d.mentions, 'mention', 'mentions')}`;
  var svg = Plot.plot({
    width: width,
    height: 200,
    marginLeft: 36,
    marginBottom: 30,
    x: { type: 'utc', label: null },
    y: { label: null, ticks: integerTicks(Math.max(max, 1)), tickFormat: (t) => fmt(t), domain: [0, Math.max(max, 1)] },
    marks: [
      Plot.ruleY([0], { strokeOpacity: 0.4 }),
      Plot.rectY(items, {
        x1: (d) => new Date(dayMs(d.start)),
        x2: (d) => new Date(dayMs(d.end) + DAY_MS),
        y: (d) => num(d.articles),
        inset: 1,
        fill: colors.articles,
        title: title,
      }),
      Plot.line(items, {
        x: (d) => new Date((dayMs(d.start) + dayMs(d.end) + DAY_MS) / 2),
        y: (d) => num(d.mentions),
        stroke: colors.mentions,
        strokeWidth: 2,
        marker: 'circle-stroke',
      }),
    ],
  });
  svg.setAttribute('role', 'img');
  var total = items.reduce((a, i) => a + num(i.articles), 0);
  svg.setAttribute(
    'aria-label',
    `Timeline: ${plural(total, 'article', 'articles')} over ${plural(items.length, 'period', 'periods')}; the table beside it holds each period's numbers.`,
  );
  return svg;
}
