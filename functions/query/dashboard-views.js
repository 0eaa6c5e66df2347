/**
 * The pages behind the overview, one per hash route: an entity (`#/entities/{id}`), a country (`#/countries/{cc}`),
 * an article (`#/articles/{id}`) and a filtered list of articles (`#/articles?entity=…`). Each reads only what it
 * shows: one resource, one page of articles, one timeline, one page of entities; every count is a link to the
 * articles or entities behind it.
 */
import { MAP_METRICS, timelineChart } from './dashboard-charts.js';
import {
  clear,
  countLink,
  el,
  emptyRow,
  errorBox,
  fmt,
  getJson,
  hrefArticle,
  hrefArticles,
  hrefCountry,
  hrefEntity,
  link,
  num,
  plural,
  section,
  sourceLink,
  table,
  td,
} from './dashboard-core.js';

export const ARTICLE_LIMIT = 20;
export const COUNTRY_ENTITY_LIMIT = 25;
export const DEFAULT_INTERVAL = 'week';

/** Chart colours: the page's own custom properties, read once (Plot takes colours, not `var(--…)`). */
function colors() {
  var s = getComputedStyle(document.documentElement);
  return {
    articles: s.getPropertyValue('--articles').trim() || '#d9822b',
    mentions: s.getPropertyValue('--listed').trim() || '#2f6fd6',
  };
}
const widthOf = (node) => Math.max(280, Math.round(node.getBoundingClientRect().width) || 640);

function heading(root, text, sub) {
  var h = el('h2', { id: 'view-h', class: 'view-title', tabindex: '-1' }, text);
  root.appendChild(h);
  if (sub) root.appendChild(sub);
  return h;
}
function crumbs(root, trail) {
  var nav = el('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' });
  var ol = el('ol');
  trail.forEach((t) => {
    var li = el('li');
    li.appendChild(t[1] ? link(t[1], t[0]) : el('span', { 'aria-current': 'page' }, t[0]));
    ol.appendChild(li);
  });
  nav.appendChild(ol);
  root.appendChild(nav);
}

/** A country code as a link with its name when the page knows it. */
export function countryLink(cc, names) {
  var code = String(cc);
  var name = names?.get(code);
  return link(hrefCountry(code), name ? `${name} (${code})` : code, { 'data-country': code });
}
function countryLinks(codes, names) {
  var span = el('span');
  if (!codes.length) span.textContent = '\u2014';
  codes.forEach((c, i) => {
    if (i) span.appendChild(document.createTextNode(', '));
    span.appendChild(countryLink(c, names));
  });
  return span;
}

// ---------------------------------------------------------------------------------------------------------------
// Articles: one list item per article, paged by the API's cursor.

function articleItem(a) {
  var li = el('li', { class: 'article', 'data-id': a.id, 'data-mentions': num(a.mentions) });
  var h = el('h3');
  h.appendChild(link(hrefArticle(a.id), a.title || a.key, { class: 'article-title' }));
  li.appendChild(h);
  var meta = el('p', { class: 'meta' });
  meta.appendChild(
    el(
      'time',
      a.publishedAt ? { datetime: a.publishedAt } : null,
      a.publishedAt ? String(a.publishedAt).slice(0, 10) : 'undated',
    ),
  );
  if (a.source || a.url) {
    meta.appendChild(document.createTextNode(' \u00b7 '));
    meta.appendChild(a.url ? sourceLink(a.url, a.source || hostOf(a.url)) : document.createTextNode(a.source));
  }
  if (num(a.mentions))
    meta.appendChild(document.createTextNode(` \u00b7 ${plural(a.mentions, 'mention', 'mentions')}`));
  li.appendChild(meta);
  if (a.snippet) li.appendChild(el('blockquote', { class: 'snippet' }, a.snippet));
  return li;
}
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch (_e) {
    return 'source';
  }
}

/**
 * The articles that match `filters` (the query of `GET /articles`), newest first, a page at a time. `data-count` on
 * the list is what the browser test compares with the API.
 */
function articleList(parent, filters, limit) {
  var box = el('div', { class: 'articles', 'data-state': 'loading' });
  var error = errorBox(box, '');
  var note = el('p', { class: 'hint' });
  box.appendChild(note);
  var ol = el('ol', { class: 'article-list', id: `${parent.id}-list` });
  box.appendChild(ol);
  var more = el('button', { type: 'button', class: 'secondary', hidden: '' }, 'More articles');
  box.appendChild(more);
  parent.appendChild(box);
  var cursor = null;
  async function page() {
    box.setAttribute('data-state', 'loading');
    more.disabled = true;
    var r = await getJson('articles', Object.assign({ sort: '-date', limit: limit, cursor: cursor }, filters));
    more.disabled = false;
    error.textContent = r.ok ? '' : r.problem;
    if (r.ok) {
      r.data.items.forEach((a) => {
        ol.appendChild(articleItem(a));
      });
      cursor = r.data.nextCursor || null;
      if (num(r.data.undatedArticles))
        note.textContent = `${plural(r.data.undatedArticles, 'undated article is', 'undated articles are')} left out by the date filter.`;
      if (!ol.children.length) note.textContent = 'No articles match.';
    }
    if (cursor) more.removeAttribute('hidden');
    else more.setAttribute('hidden', '');
    ol.setAttribute('data-count', String(ol.children.length));
    box.setAttribute('data-state', 'ready');
    return r;
  }
  more.addEventListener('click', () => {
    page();
  });
  return page();
}

// ---------------------------------------------------------------------------------------------------------------
// Timelines: a chart and its table, with an interval menu.

function timelineSection(parent, series, names) {
  var s = section(parent, 'timeline', 'Over time');
  var id = `tl-interval-${Object.keys(series)[0]}`;
  var controls = el('div', { class: 'controls' });
  var label = el('label', { for: id }, 'Interval');
  var sel = el('select', { id: id, name: 'interval' });
  ['day', 'week', 'month'].forEach((i) => {
    var o = el('option', { value: i }, i[0].toUpperCase() + i.slice(1));
    if (i === DEFAULT_INTERVAL) o.selected = true;
    sel.appendChild(o);
  });
  label.appendChild(sel);
  controls.appendChild(label);
  s.appendChild(controls);
  var error = errorBox(s, '');
  var legend = el('p', { class: 'legend', 'aria-hidden': 'true' });
  legend.appendChild(el('span', { class: 'swatch sw-articles' }));
  legend.appendChild(document.createTextNode('Articles '));
  legend.appendChild(el('span', { class: 'swatch sw-mentions' }));
  legend.appendChild(document.createTextNode('Mentions'));
  s.appendChild(legend);
  var chart = el('div', { class: 'chart', id: 'timeline-chart' });
  s.appendChild(chart);
  var summary = el('p', { class: 'hint', id: 'timeline-summary' });
  s.appendChild(summary);
  var details = el('details', { open: '' });
  details.appendChild(el('summary', null, 'Timeline data as a table'));
  s.appendChild(details);
  var t = table(details, 'timeline-table', null, [
    ['Period'],
    ['From', 'minor'],
    ['To', 'minor'],
    ['Articles', 'n'],
    ['Mentions', 'n'],
  ]);
  void names;
  async function load() {
    s.setAttribute('data-state', 'loading');
    var r = await getJson('counts/timeline', Object.assign({ interval: sel.value }, series));
    error.textContent = r.ok ? '' : r.problem;
    clear(chart);
    var tbody = t.tBodies[0];
    clear(tbody);
    var items = r.ok ? r.data.items : [];
    if (!items.length) emptyRow(tbody, 5, r.ok ? 'No periods.' : 'No data.');
    else chart.appendChild(timelineChart(items, widthOf(s) - 8, colors()));
    items.forEach((it) => {
      var tr = el('tr', {
        'data-period': it.period,
        'data-articles': num(it.articles),
        'data-mentions': num(it.mentions),
      });
      tr.appendChild(td(it.period));
      tr.appendChild(td(it.start, 'minor'));
      tr.appendChild(td(it.end, 'minor'));
      var evidence = hrefArticles(Object.assign({}, series, { from: it.start, to: it.end }));
      tr.appendChild(td(countLink(it.articles, evidence, `articles in ${it.period}`), 'n'));
      tr.appendChild(td(fmt(it.mentions), 'n'));
      tbody.appendChild(tr);
    });
    var total = items.reduce((a, i) => a + num(i.articles), 0);
    summary.textContent = r.ok
      ? `${plural(total, 'article', 'articles')} and ${plural(
          items.reduce((a, i) => a + num(i.mentions), 0),
          'mention',
          'mentions',
        )} from ${r.data.from || items[0]?.start || '?'} to ${r.data.to || items[items.length - 1]?.end || '?'}, per ${sel.value}.`
      : '';
    s.setAttribute('data-state', 'ready');
    return r;
  }
  sel.addEventListener('change', () => {
    load();
  });
  return load();
}

// ---------------------------------------------------------------------------------------------------------------
// The pages.

export async function entityPage(root, id, ctx) {
  crumbs(root, [
    ['Overview', '#/'],
    ['Entity', null],
  ]);
  var r = await getJson(`entities/${encodeURIComponent(id)}`, {}, true);
  if (!r.ok) {
    heading(root, 'Entity not found');
    errorBox(root, r.problem);
    // A listed id that the current version lacks was removed from its list ("What changed" links it): the news
    // that mentioned it is still there.
    if (r.status === 404 && /^l:/.test(id)) {
      const arts = section(root, 'entity-articles', 'Articles that mention it');
      arts.appendChild(
        el('p', { class: 'hint' }, 'It is not on the current version of its list: it may have been removed from it.'),
      );
      return [r, await articleList(arts, { entity: id }, ARTICLE_LIMIT)];
    }
    return [r];
  }
  var e = r.data;
  var sub = el('p', { class: 'sub' });
  sub.appendChild(el('span', { class: `badge ${e.listed ? 'yes' : 'no'}` }, e.listed ? 'listed' : 'not listed'));
  sub.appendChild(document.createTextNode(` ${String(e.type)} \u00b7 `));
  sub.appendChild(countLink(e.articles, hrefArticles({ entity: e.id }), 'articles mention it'));
  sub.appendChild(document.createTextNode(` ${num(e.articles) === 1 ? 'article' : 'articles'}, `));
  sub.appendChild(document.createTextNode(plural(e.mentions, 'mention', 'mentions')));
  heading(root, e.name, sub);

  var facts = section(root, 'listings', e.listed ? 'Listings' : 'In the news');
  var codes = (e.countries || []).map((c) => (typeof c === 'string' ? c : c.code));
  var dl = el('dl', { class: 'facts' });
  var fact = (term, value) => {
    dl.appendChild(el('dt', null, term));
    var dd = el('dd');
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = value;
    dl.appendChild(dd);
  };
  var roles = (e.countries || [])
    .filter((c) => typeof c !== 'string' && c.roles?.length)
    .map((c) => `${c.code}: ${c.roles.join(', ')}`)
    .join('; ');
  fact('Countries', countryLinks(codes, ctx.names));
  if (roles) fact('Country roles', roles);
  if (e.aliases?.length) fact('Also known as', e.aliases.join('; '));
  if (e.identifiers?.length) fact('Identifiers', e.identifiers.map((i) => `${i.type} ${i.value}`).join('; '));
  // Kept across a list's versions (issue 11.3): the day the entity first appeared on its list, the day it last changed.
  if (e.firstSeen) fact('First seen on the list', el('time', { datetime: e.firstSeen }, e.firstSeen));
  if (e.lastChanged) fact('Last changed', el('time', { datetime: e.lastChanged }, e.lastChanged));
  facts.appendChild(dl);
  if (e.listed) {
    const t = table(facts, 'listings-table', 'Where it is listed', [
      ['List'],
      ['Id on the list'],
      ['Programmes'],
      ['Listed on'],
      ['List version', 'minor'],
    ]);
    // One entity on several lists (issue 11.1): a row per listing, each linked to its own page, and why they are one.
    const listings = e.canonical?.listings?.length > 1 ? e.canonical.listings : null;
    if (listings) {
      listings.forEach((l) => {
        const tr = el('tr', { 'data-list': l.list });
        tr.appendChild(td(l.list));
        tr.appendChild(td(l.id === e.id ? l.sourceId : link(hrefEntity(l.id), l.sourceId)));
        tr.appendChild(td((l.programs || []).join(', ') || '\u2014'));
        tr.appendChild(td(l.listedOn || '\u2014'));
        tr.appendChild(td(l.list === e.list ? e.listVersion || '\u2014' : '\u2014', 'minor'));
        t.tBodies[0].appendChild(tr);
      });
      const why = (e.canonical.merged || []).filter((m) => m.reason);
      if (why.length)
        facts.appendChild(
          el(
            'p',
            { class: 'hint', 'data-merged': String(why.length) },
            `One entity across lists: ${why.map((m) => `${m.id} by ${Object.values(m.reason).join(' ')}`).join('; ')}.`,
          ),
        );
    } else {
      const tr = el('tr', { 'data-list': e.list || e.lists[0] });
      tr.appendChild(td(e.list || (e.lists || []).join(', ')));
      tr.appendChild(td(e.sourceId || '\u2014'));
      tr.appendChild(td((e.programs || []).join(', ') || '\u2014'));
      tr.appendChild(td(e.listedOn || '\u2014'));
      tr.appendChild(td(e.listVersion || '\u2014', 'minor'));
      t.tBodies[0].appendChild(tr);
    }
  } else {
    facts.appendChild(el('p', { class: 'hint' }, 'A name found in the news that matches no listed entity.'));
  }

  var tl = timelineSection(root, { entity: e.id }, ctx.names);
  var arts = section(root, 'entity-articles', 'Articles that mention it');
  arts.appendChild(el('p', { class: 'hint' }, 'Newest first, with the first sentence that names it.'));
  var list = articleList(arts, { entity: e.id }, ARTICLE_LIMIT);
  return [r].concat(await Promise.all([tl, list]));
}

export async function countryPage(root, cc, ctx) {
  crumbs(root, [
    ['Overview', '#/'],
    ['Country', null],
  ]);
  var code = String(cc).toUpperCase();
  var c = await ctx.country(code);
  var name = c ? String(c.name) : ctx.names.get(code) || code;
  var sub = el('p', { class: 'sub' });
  if (c) {
    sub.appendChild(document.createTextNode(`${plural(c.listedEntities, 'listed entity', 'listed entities')}, `));
    sub.appendChild(countLink(c.articles, hrefArticles({ country: code }), 'articles mention it'));
    sub.appendChild(
      document.createTextNode(
        ` ${num(c.articles) === 1 ? 'article' : 'articles'} (${plural(c.mentions, 'mention', 'mentions')}), `,
      ),
    );
    sub.appendChild(
      countLink(
        c.listedEntitiesInNews,
        hrefArticles({ country: code, listed: 'true' }),
        'articles about its listed entities',
      ),
    );
    sub.appendChild(
      document.createTextNode(
        ` ${num(c.listedEntitiesInNews) === 1 ? 'listed entity' : 'listed entities'} in the news`,
      ),
    );
  } else sub.textContent = 'No counts for this country.';
  heading(root, `${name} (${code})`, sub);

  if (c) {
    const counts = section(root, 'country-counts', 'Listed entities by list and type');
    const t = table(counts, 'country-counts-table', null, [['By'], ['Value'], ['Listed entities', 'n']]);
    const add = (by, k, n, href) => {
      var tr = el('tr', { 'data-by': by, 'data-key': k, 'data-n': num(n) });
      tr.appendChild(td(by));
      tr.appendChild(td(k));
      tr.appendChild(td(countLink(n, href, `${k} entities`), 'n'));
      t.tBodies[0].appendChild(tr);
    };
    Object.keys(c.byList || {})
      .sort()
      .forEach((k) => {
        add('list', k, c.byList[k], '#entities');
      });
    Object.keys(c.byType || {})
      .sort()
      .forEach((k) => {
        add('type', k, c.byType[k], '#entities');
      });
    if (!t.tBodies[0].children.length) emptyRow(t.tBodies[0], 3, 'No listed entities.');
    // The links above lead to the entities table below: a fragment link would leave the hash route, so focus it.
    counts.addEventListener('click', (ev) => {
      var a = ev.target.closest ? ev.target.closest('a[href="#entities"]') : null;
      if (!a) return;
      ev.preventDefault();
      var target = document.getElementById('country-entities-h');
      target?.setAttribute('tabindex', '-1');
      target?.focus();
    });
  }
  var tl = timelineSection(root, { country: code }, ctx.names);
  var ents = section(root, 'country-entities', 'Entities of the country');
  var entsError = errorBox(ents, '');
  var et = table(ents, 'entities-of-country', null, [
    ['Name'],
    ['Type', 'minor'],
    ['Lists', 'minor'],
    ['Articles', 'n'],
    ['Mentions', 'n minor'],
  ]);
  var entities = getJson('counts/entities', { country: code, limit: COUNTRY_ENTITY_LIMIT }).then((r) => {
    entsError.textContent = r.ok ? '' : r.problem;
    var items = r.ok ? r.data.items : [];
    et.setAttribute('data-count', String(items.length));
    if (!items.length) emptyRow(et.tBodies[0], 5, r.ok ? 'No entities of this country.' : 'No data.');
    items.forEach((it) => {
      et.tBodies[0].appendChild(entityRow(it, ctx.names, false));
    });
    return r;
  });
  var arts = section(root, 'country-articles', 'Articles that mention it');
  var list = articleList(arts, { country: code }, ARTICLE_LIMIT);
  return await Promise.all([tl, entities, list]);
}

/** A row of `/counts/entities`: the name links to the entity, the counts to its articles. */
export function entityRow(it, names, withCountries) {
  var tr = el('tr', { 'data-id': it.id, 'data-articles': num(it.articles), 'data-mentions': num(it.mentions) });
  tr.appendChild(td(link(hrefEntity(it.id), it.name, { class: 'entity' })));
  tr.appendChild(td(it.type, 'minor'));
  if (withCountries) tr.appendChild(td(countryLinks(it.countries || [], names), 'minor'));
  tr.appendChild(td((it.lists || []).join(', ') || '\u2014', 'minor'));
  if (withCountries) {
    const c = el('td', { class: 'minor' });
    c.appendChild(el('span', { class: `badge ${it.listed ? 'yes' : 'no'}` }, it.listed ? 'listed' : 'not listed'));
    tr.appendChild(c);
  }
  tr.appendChild(td(countLink(it.articles, hrefArticles({ entity: it.id }), `articles mention ${it.name}`), 'n'));
  tr.appendChild(td(fmt(it.mentions), withCountries ? 'n' : 'n minor'));
  return tr;
}

export async function articlePage(root, id, ctx) {
  crumbs(root, [
    ['Overview', '#/'],
    ['Article', null],
  ]);
  var r = await getJson(`articles/${encodeURIComponent(id)}`, {}, true);
  if (!r.ok) {
    heading(root, 'Article not found');
    errorBox(root, r.problem);
    return [r];
  }
  var a = r.data;
  var sub = el('p', { class: 'sub meta' });
  sub.appendChild(
    el(
      'time',
      a.publishedAt ? { datetime: a.publishedAt } : null,
      a.publishedAt ? String(a.publishedAt).slice(0, 10) : 'undated',
    ),
  );
  if (a.publishedAt && a.dateFrom) sub.appendChild(document.createTextNode(` (date from the ${a.dateFrom})`));
  if (a.source || a.url) {
    sub.appendChild(document.createTextNode(' \u00b7 '));
    sub.appendChild(a.url ? sourceLink(a.url, a.source || hostOf(a.url)) : document.createTextNode(a.source));
  }
  if (a.language) sub.appendChild(document.createTextNode(` \u00b7 ${a.language}`));
  sub.appendChild(document.createTextNode(' \u00b7 '));
  sub.appendChild(el('code', null, a.key));
  heading(root, a.title || a.key, sub);

  var text = section(root, 'article-text', 'Text');
  (a.paragraphs || []).forEach((p) => {
    text.appendChild(el('p', null, p));
  });
  if (!(a.paragraphs || []).length) text.appendChild(el('p', { class: 'hint' }, 'No text stored.'));

  var ents = section(root, 'article-entities', 'Entities it mentions');
  var t = table(ents, 'article-entities-table', null, [
    ['Name'],
    ['Type', 'minor'],
    ['Country', 'minor'],
    ['Listed as'],
    ['Mentions', 'n'],
  ]);
  (a.entities || []).forEach((e) => {
    var tr = el('tr', { 'data-id': e.id, 'data-count': num(e.count) });
    tr.appendChild(td(link(hrefEntity(e.id), e.name, { class: 'entity' })));
    tr.appendChild(td(e.type, 'minor'));
    tr.appendChild(td(e.country ? countryLink(e.country, ctx.names) : '\u2014', 'minor'));
    var listed = el('span');
    (e.listed || []).forEach((l, i) => {
      if (i) listed.appendChild(document.createTextNode(', '));
      listed.appendChild(link(hrefEntity(l.id || `l:${l.list}:${l.sourceId}`), `${l.list} ${l.sourceId}`));
    });
    if (!(e.listed || []).length) listed.textContent = '\u2014';
    tr.appendChild(td(listed));
    tr.appendChild(td(fmt(e.count), 'n'));
    t.tBodies[0].appendChild(tr);
  });
  if (!(a.entities || []).length) emptyRow(t.tBodies[0], 5, 'No entities found in it.');
  var countries = a.countries || [];
  if (countries.length) {
    const cs = section(root, 'article-countries', 'Countries it names');
    const ul = el('ul', { class: 'inline' });
    countries.forEach((c) => {
      var li = el('li');
      li.appendChild(link(hrefCountry(c.code), `${c.name || c.code} (${c.code})`, { 'data-country': c.code }));
      li.appendChild(document.createTextNode(` \u00d7${fmt(c.count)}`));
      ul.appendChild(li);
    });
    cs.appendChild(ul);
  }
  return [r];
}

/** What a filter of `/articles` means, in words, for the page's heading. */
function describeFilters(f, names) {
  var parts = [];
  if (f.entity) parts.push(`mentioning ${f.entityName || f.entity}`);
  if (f.country) parts.push(`mentioning ${names.get(f.country) || f.country}`);
  if (f.list) parts.push(`naming entities of ${f.list}`);
  if (f.listed === 'true') parts.push('naming a listed entity');
  if (f.from || f.to) parts.push(`dated ${f.from || '…'} to ${f.to || '…'}`);
  if (f.q) parts.push(`titled “${f.q}”`);
  return parts.length ? `Articles ${parts.join(', ')}` : 'All articles';
}

export const ARTICLE_FILTERS = ['entity', 'country', 'list', 'listed', 'from', 'to', 'q'];

export async function articlesPage(root, params, ctx) {
  crumbs(root, [
    ['Overview', '#/'],
    ['Articles', null],
  ]);
  var f = {};
  ARTICLE_FILTERS.forEach((k) => {
    if (params.get(k)) f[k] = params.get(k);
  });
  var back = el('p', { class: 'sub' });
  if (f.entity) back.appendChild(link(hrefEntity(f.entity), 'The entity\u2019s page'));
  else if (f.country) back.appendChild(countryLink(f.country, ctx.names));
  heading(root, describeFilters(f, ctx.names), back);
  var s = section(root, 'filtered-articles', 'Articles');
  return [await articleList(s, f, ARTICLE_LIMIT)];
}

export { MAP_METRICS };
