/**
 * The dashboard's entry script: the overview (filters, the bar chart of the top countries, the world map, the tables
 * of countries, entities and ingests) and the hash router that shows the pages behind it (dashboard-views.js).
 * scripts/build-dashboard.mjs bundles it with its imports and the chart library into the one file the page loads
 * from its own origin (the Content-Security-Policy allows no inline script); no CDN, no build in the browser.
 *
 * The "What changed" panel (dashboard-changes.js) has its own list and change menus: it reloads alone when they change.
 *
 * Routes: `#/` the overview; `#/entities/{id}`, `#/countries/{cc}`, `#/articles/{id}`, `#/articles?entity=…` (the
 * articles behind a count). Every entity and country is a link, every count leads to the articles or entities behind
 * it. `<body data-view data-state data-generation>` tell a test which view is on screen and when it finished.
 *
 * The bar chart is SVG drawn here (it predates the library and is its own keyboard widget); the map and the timelines
 * are Observable Plot's (dashboard-charts.js). API text reaches the DOM through `textContent` / `setAttribute` only.
 */
import { MAP_METRICS, worldMap } from './dashboard-charts.js';
import {
  $,
  clear,
  countLink,
  el,
  emptyRow,
  fmt,
  getJson,
  hrefArticles,
  hrefCountry,
  link,
  num,
  plural,
  td,
} from './dashboard-core.js';
import { changesPanel } from './dashboard-changes.js';
import { articlePage, articlesPage, countryPage, entityPage, entityRow } from './dashboard-views.js';

// Loaded with type="module": strict mode without a directive, run once the document is parsed.
(() => {
  var CHART_LIMIT = 20;
  var ENTITY_LIMIT = 25;
  var INGEST_LIMIT = 25;
  var STATUSES = ['done', 'unchanged', 'failed', 'quarantined', 'processing'];
  var form = $('filters');
  var chart = $('chart');
  // Read, not written out: the page must hold no absolute URL at all.
  var SVG_NS = chart.namespaceURI;
  var generation = 0;
  var countryByName = new Map();
  var lastChart = null;
  /** `/counts/countries?limit=500` without filters, read once: country names, the list menu, the country pages. */
  var allCountries = null;
  var lastMap = null;
  var mapMetric = 'listedEntities';
  var overviewShown = false;
  var changes = changesPanel(countryNames);

  function svgEl(tag, attrs, text) {
    var n = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach((k) => {
      n.setAttribute(k, String(attrs[k]));
    });
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  // Country: a code (any case) or a name the data has shown; anything else goes to the API as typed, which explains.
  function resolveCountry(raw) {
    var s = raw.trim();
    if (!s) return '';
    if (/^[a-z]{2}$/i.test(s)) return s.toUpperCase();
    return countryByName.get(s.toLowerCase()) || s;
  }

  function readFilters() {
    var d = new FormData(form);
    var f = {};
    ['list', 'type', 'country', 'listed', 'q', 'from', 'to', 'sort'].forEach((k) => {
      f[k] = String(d.get(k) || '').trim();
    });
    f.country = resolveCountry(f.country);
    return f;
  }

  function writeUrl(f) {
    var p = new URLSearchParams();
    Object.keys(f).forEach((k) => {
      if (f[k] && !(k === 'sort' && f[k] === '-listedEntities')) p.set(k, f[k]);
    });
    var qs = p.toString();
    history.replaceState(null, '', location.pathname + (qs ? `?${qs}` : '') + location.hash);
  }

  function ensureListOption(list) {
    var sel = $('f-list');
    for (let i = 0; i < sel.options.length; i++) if (sel.options[i].value === list) return;
    sel.appendChild(el('option', { value: list }, list));
  }

  function readUrl() {
    var p = new URLSearchParams(location.search);
    p.forEach((v, k) => {
      var field = form.elements.namedItem(k);
      if (!field || !('value' in field)) return;
      if (k === 'list') ensureListOption(v);
      field.value = v;
    });
  }

  // The list menu comes from the data itself (byList keys of the unfiltered counts), so it never offers an empty list.
  async function loadOptions() {
    var r = await getJson('counts/countries', { limit: 500 });
    if (!r.ok) return r.problem;
    allCountries = r.data.items;
    var lists = new Set();
    var dl = $('country-options');
    clear(dl);
    r.data.items.forEach((it) => {
      Object.keys(it.byList || {}).forEach((l) => {
        lists.add(l);
      });
      countryByName.set(String(it.name).toLowerCase(), String(it.country));
      dl.appendChild(el('option', { value: it.country, label: it.name }));
    });
    Array.from(lists).sort().forEach(ensureListOption);
    changes.setLists(Array.from(lists).sort());
    return null;
  }

  function renderChart(r, selectedCountry) {
    clear(chart);
    var tbody = $('chart-table').tBodies[0];
    clear(tbody);
    $('chart-error').textContent = r.ok ? '' : r.problem;
    var items = r.ok ? r.data.items.slice(0, CHART_LIMIT) : [];
    lastChart = { r: r, selected: selectedCountry };
    // One SVG unit per CSS pixel: text keeps its size at any width; a resize redraws.
    var W = Math.max(240, Math.round(chart.getBoundingClientRect().width) || 760);
    var label = Math.min(190, Math.round(W * 0.3)),
      gap = 16,
      rowH = 26,
      top = 26;
    var panel = (W - label - gap * 2) / 2;
    var room = panel - 44;
    var h = top + rowH * Math.max(items.length, 1) + 4;
    chart.setAttribute('viewBox', `0 0 ${W} ${h}`);
    chart.setAttribute('data-count', String(items.length));
    var xL = label + gap,
      xA = label + gap * 2 + panel;
    chart.appendChild(svgEl('text', { x: xL, y: 14, class: 'head' }, 'Listed entities'));
    chart.appendChild(svgEl('text', { x: xA, y: 14, class: 'head' }, 'Articles'));
    if (!items.length) {
      chart.appendChild(
        svgEl(
          'text',
          { x: label - 8, y: top + 16, 'text-anchor': 'end', class: 'num' },
          r.ok ? 'No countries match these filters.' : 'No data.',
        ),
      );
      emptyRow(tbody, 6, r.ok ? 'No countries match these filters.' : 'No data.');
      return;
    }
    var maxL = Math.max(
      1,
      Math.max.apply(
        null,
        items.map((i) => num(i.listedEntities)),
      ),
    );
    var maxA = Math.max(
      1,
      Math.max.apply(
        null,
        items.map((i) => num(i.articles)),
      ),
    );
    items.forEach((it, idx) => {
      var listed = num(it.listedEntities),
        articles = num(it.articles),
        mentions = num(it.mentions);
      var byList = Object.keys(it.byList || {})
        .sort()
        .map((k) => `${k} ${fmt(it.byList[k])}`)
        .join(', ');
      var name = `${String(it.name)} (${String(it.country)})`;
      var desc =
        name +
        ': ' +
        plural(listed, 'listed entity', 'listed entities') +
        (byList ? ` (${byList})` : '') +
        ', ' +
        plural(articles, 'article', 'articles') +
        ', ' +
        plural(mentions, 'mention', 'mentions') +
        ', ' +
        plural(it.listedEntitiesInNews, 'listed entity', 'listed entities') +
        ' in the news';
      var g = svgEl('g', {
        class: `row${selectedCountry === it.country ? ' selected' : ''}`,
        role: 'button',
        tabindex: idx === 0 ? 0 : -1,
        transform: `translate(0,${top + idx * rowH})`,
        'aria-label': desc,
        'data-country': it.country,
        'data-listed': listed,
        'data-articles': articles,
        'data-mentions': mentions,
      });
      g.appendChild(svgEl('title', null, desc));
      g.appendChild(svgEl('rect', { class: 'band', x: 0, y: 0, width: W, height: rowH - 2, rx: 4 }));
      var maxChars = Math.floor((label - 12) / 7.5);
      var shown =
        String(it.name).length > maxChars ? `${String(it.name).slice(0, maxChars - 1)}\u2026` : String(it.name);
      g.appendChild(svgEl('text', { x: label - 8, y: rowH / 2 + 3, 'text-anchor': 'end' }, shown));
      var wl = listed ? Math.max(2, (room * listed) / maxL) : 0;
      var wa = articles ? Math.max(2, (room * articles) / maxA) : 0;
      g.appendChild(
        svgEl('rect', { class: 'bar-listed', x: xL, y: 5, width: wl.toFixed(1), height: rowH - 12, rx: 2 }),
      );
      g.appendChild(svgEl('text', { class: 'num', x: (xL + wl + 5).toFixed(1), y: rowH / 2 + 3 }, fmt(listed)));
      g.appendChild(
        svgEl('rect', { class: 'bar-articles', x: xA, y: 5, width: wa.toFixed(1), height: rowH - 12, rx: 2 }),
      );
      g.appendChild(svgEl('text', { class: 'num', x: (xA + wa + 5).toFixed(1), y: rowH / 2 + 3 }, fmt(articles)));
      chart.appendChild(g);

      var tr = el('tr', { 'data-country': it.country });
      tr.appendChild(td(link(hrefCountry(it.country), name, { 'data-country': it.country })));
      // Each count leads to its evidence: the country's page lists its entities, the articles link filters them.
      tr.appendChild(td(countLink(listed, hrefCountry(it.country), `listed entities of ${it.name}`), 'n'));
      tr.appendChild(
        td(countLink(articles, hrefArticles({ country: it.country }), `articles mention ${it.name}`), 'n'),
      );
      tr.appendChild(td(fmt(mentions), 'n minor'));
      tr.appendChild(
        td(
          countLink(
            it.listedEntitiesInNews,
            hrefArticles({ country: it.country, listed: 'true' }),
            `listed entities of ${it.name} in the news`,
          ),
          'n',
        ),
      );
      tr.appendChild(td(byList || '\u2014', 'minor'));
      tbody.appendChild(tr);
    });
  }

  function renderEntities(r) {
    var tbody = $('entities').tBodies[0];
    clear(tbody);
    $('entities-error').textContent = r.ok ? '' : r.problem;
    var items = r.ok ? r.data.items.slice(0, ENTITY_LIMIT) : [];
    $('entities').setAttribute('data-count', String(items.length));
    if (!items.length) return emptyRow(tbody, 7, r.ok ? 'No entities match these filters.' : 'No data.');
    items.forEach((it) => {
      tbody.appendChild(entityRow(it, countryNames(), true));
    });
  }

  // A format error lists every known format: long. Its first words show; the rest opens on demand (keyboard too).
  function errorCell(text) {
    var c = el('td', { class: 'err' });
    if (text.length <= 160) {
      c.appendChild(el('span', { class: 'err-full' }, text));
      return c;
    }
    var d = el('details');
    var short = `${text.slice(0, 140).replace(/\s+\S*$/, '')} \u2026 (show all)`;
    var summary = el('summary', null, short);
    d.appendChild(summary);
    d.appendChild(el('div', { class: 'err-full' }, text));
    d.addEventListener('toggle', () => {
      summary.textContent = d.open ? 'Hide the full error' : short;
    });
    c.appendChild(d);
    return c;
  }

  // Newest first; the API pages by key, so "recent" is within the page read.
  function renderIngests(r) {
    var tbody = $('ingests').tBodies[0];
    clear(tbody);
    $('ingests-error').textContent = r.ok ? '' : r.problem;
    var items = r.ok ? r.data.items.slice() : [];
    items.sort(
      (a, b) =>
        String(b.updatedAt || '').localeCompare(String(a.updatedAt || '')) ||
        String(a.key).localeCompare(String(b.key)),
    );
    items = items.slice(0, INGEST_LIMIT);
    $('ingests').setAttribute('data-count', String(items.length));
    if (!items.length) return emptyRow(tbody, 9, r.ok ? 'Nothing ingested yet.' : 'No data.');
    items.forEach((it) => {
      var rec = it.records || {};
      var status = String(it.status || 'unknown');
      var tr = el('tr', { 'data-key': it.key, 'data-status': status });
      tr.appendChild(td(it.key, 'key'));
      var c = el('td');
      // The class comes from a fixed set, never straight from the API.
      c.appendChild(el('span', { class: `badge ${STATUSES.indexOf(status) >= 0 ? `st-${status}` : ''}` }, status));
      tr.appendChild(c);
      tr.appendChild(td(it.format || '\u2014', 'minor'));
      tr.appendChild(td(it.list || '\u2014', 'minor'));
      tr.appendChild(td(fmt(rec.read), 'n minor'));
      tr.appendChild(td(fmt(rec.written), 'n minor'));
      tr.appendChild(td(fmt(rec.rejected), 'n minor'));
      tr.appendChild(errorCell(it.error ? String(it.error) : ''));
      tr.appendChild(td(it.updatedAt ? String(it.updatedAt).slice(0, 16).replace('T', ' ') : '\u2014', 'when minor'));
      tbody.appendChild(tr);
    });
  }

  function countryNames() {
    var m = new Map();
    (allCountries || []).forEach((c) => {
      m.set(String(c.country), String(c.name));
    });
    return m;
  }

  // The map shows every country with a count: one page of up to 500 (there are fewer than 250 countries), the same
  // request as the list menu's when no filter is set, so it is read once.
  function mapRequest(f) {
    if (!f.list && !f.type && !f.from && !f.to && allCountries)
      return Promise.resolve({ ok: true, data: { items: allCountries, nextCursor: null } });
    return getJson('counts/countries', { list: f.list, type: f.type, from: f.from, to: f.to, limit: 500 });
  }

  function renderMap(r) {
    lastMap = r;
    var box = $('map');
    clear(box);
    $('map-error').textContent = r.ok ? '' : r.problem;
    var tbody = $('map-table').tBodies[0];
    clear(tbody);
    var m = MAP_METRICS[mapMetric];
    $('map-table-metric').textContent = m.label;
    var items = r.ok ? r.data.items.filter((i) => num(i[mapMetric]) > 0) : [];
    items.sort((a, b) => num(b[mapMetric]) - num(a[mapMetric]) || String(a.name).localeCompare(String(b.name)));
    box.setAttribute('data-metric', mapMetric);
    box.setAttribute('data-count', String(items.length));
    if (!r.ok) return emptyRow(tbody, 2, 'No data.');
    box.appendChild(
      worldMap(r.data.items, mapMetric, Math.max(280, Math.round(box.getBoundingClientRect().width) || 760)),
    );
    if (!items.length) emptyRow(tbody, 2, 'No country has a count for these filters.');
    items.forEach((it) => {
      var tr = el('tr', { 'data-country': it.country, 'data-value': num(it[mapMetric]) });
      tr.appendChild(td(link(hrefCountry(it.country), `${it.name} (${it.country})`)));
      var href =
        mapMetric === 'listedEntities'
          ? hrefCountry(it.country)
          : hrefArticles({ country: it.country, listed: mapMetric === 'listedEntitiesInNews' ? 'true' : '' });
      tr.appendChild(td(countLink(it[mapMetric], href, m.many), 'n'));
      tbody.appendChild(tr);
    });
  }

  async function refresh() {
    var mine = ++generation;
    document.body.setAttribute('data-state', 'loading');
    $('status').textContent = 'Loading\u2026';
    var f = readFilters();
    writeUrl(f);
    var results = await Promise.all([
      getJson('counts/countries', {
        list: f.list,
        type: f.type,
        from: f.from,
        to: f.to,
        sort: f.sort,
        limit: CHART_LIMIT,
      }),
      getJson('counts/entities', {
        country: f.country,
        type: f.type,
        list: f.list,
        listed: f.listed,
        from: f.from,
        to: f.to,
        q: f.q,
        limit: ENTITY_LIMIT,
      }),
      getJson('ingests', { limit: 100 }),
      mapRequest(f),
      changes.load(),
    ]);
    // A newer refresh (or a route change) started while this one waited: its answers win, these are stale.
    if (mine !== generation) return;
    renderChart(results[0], f.country);
    renderEntities(results[1]);
    renderIngests(results[2]);
    renderMap(results[3]);
    var failed = results.filter((x) => !x.ok).length;
    $('status').textContent = failed
      ? `${failed} of ${results.length} requests failed; see the messages below.`
      : `Showing ${plural(results[0].data.items.length, 'country', 'countries')}, ${plural(results[1].data.items.length, 'entity', 'entities')}, ${plural(Math.min(results[2].data.items.length, INGEST_LIMIT), 'ingest', 'ingests')} and ${plural(results[4].data.items.length, 'change', 'changes')}.`;
    document.body.setAttribute('data-generation', String(mine));
    document.body.setAttribute('data-state', 'ready');
  }

  $('map-metric').addEventListener('change', (e) => {
    var t = e.target;
    if (t?.name !== 'metric' || !MAP_METRICS[t.value]) return;
    mapMetric = t.value;
    if (lastMap) renderMap(lastMap);
  });

  // Charts are drawn at the width they get (one SVG unit per CSS pixel, so text keeps its size): a resize redraws.
  var resizeTimer = 0;
  var lastWidth = window.innerWidth;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      if (currentView === 'overview') {
        if (lastChart) renderChart(lastChart.r, lastChart.selected);
        if (lastMap) renderMap(lastMap);
      } else route();
    }, 100);
  });

  var timer = 0;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    refresh();
  });
  form.addEventListener('change', (e) => {
    var t = e.target;
    if (t && (t.tagName === 'SELECT' || t.type === 'date')) schedule();
  });
  // The reset event fires before the fields are cleared.
  form.addEventListener('reset', () => {
    setTimeout(refresh, 0);
  });

  function rows() {
    return Array.prototype.slice.call(chart.querySelectorAll('.row'));
  }
  chart.addEventListener('keydown', (e) => {
    var list = rows();
    var i = list.indexOf(e.target.closest ? e.target.closest('.row') : null);
    if (i < 0) return;
    var next = -1;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') next = Math.min(list.length - 1, i + 1);
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = list.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      pickCountry(list[i]);
      return;
    }
    if (next < 0) return;
    e.preventDefault();
    list[i].setAttribute('tabindex', '-1');
    list[next].setAttribute('tabindex', '0');
    list[next].focus();
  });
  chart.addEventListener('click', (e) => {
    var row = e.target.closest ? e.target.closest('.row') : null;
    if (row) pickCountry(row);
  });
  function pickCountry(row) {
    var input = $('f-country');
    var cc = row.getAttribute('data-country') || '';
    input.value = input.value === cc ? '' : cc;
    refresh();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The hash router. The overview stays in the DOM (hidden) so that coming back keeps its filters.

  var currentView = '';
  var VIEWS = {
    entities: entityPage,
    countries: countryPage,
    articles: articlePage,
  };

  /** `#/entities/l%3Aun-sc%3A690735` → { view: 'entities', arg: 'l:un-sc:690735', params }. */
  function parseHash() {
    var h = location.hash.replace(/^#\/?/, '');
    var q = h.indexOf('?');
    var path = q >= 0 ? h.slice(0, q) : h;
    var params = new URLSearchParams(q >= 0 ? h.slice(q + 1) : '');
    var parts = path.split('/').filter(Boolean);
    var arg = null;
    try {
      arg = parts[1] !== undefined ? decodeURIComponent(parts[1]) : null;
    } catch (_e) {
      arg = parts[1];
    }
    return { view: parts[0] || '', arg: arg, params: params };
  }

  var ctx = {
    get names() {
      return countryNames();
    },
    country: async (cc) => {
      if (!allCountries) await loadOptions();
      return (allCountries || []).find((c) => c.country === cc) || null;
    },
  };

  async function route() {
    var r = parseHash();
    var page = $('page');
    var overview = $('overview');
    if (!(r.view in VIEWS)) {
      const wasElsewhere = currentView !== 'overview';
      currentView = 'overview';
      document.body.setAttribute('data-view', 'overview');
      page.hidden = true;
      clear(page);
      overview.hidden = false;
      document.title = 'sanctions-radar dashboard';
      // Back from a page: the overview's numbers are read again (they may have moved), at its current width.
      if (wasElsewhere) await refresh();
      if (wasElsewhere && overviewShown) $('title-h').focus({ preventScroll: true });
      overviewShown = true;
      return;
    }
    var mine = ++generation;
    currentView = r.view;
    document.body.setAttribute('data-view', r.arg === null && r.view === 'articles' ? 'article-list' : r.view);
    document.body.setAttribute('data-state', 'loading');
    $('status').textContent = 'Loading\u2026';
    overview.hidden = true;
    page.hidden = false;
    clear(page);
    var root = el('div', { class: 'view' });
    page.appendChild(root);
    window.scrollTo(0, 0);
    var results;
    if (r.view === 'articles' && r.arg === null) results = await articlesPage(root, r.params, ctx);
    else results = await VIEWS[r.view](root, r.arg || '', ctx);
    if (mine !== generation) return;
    var h = $('view-h');
    if (h) document.title = `${h.textContent} \u2014 sanctions-radar`;
    var failed = results.filter((x) => x && !x.ok).length;
    $('status').textContent = failed
      ? `${failed} of ${results.length} requests failed; see the messages below.`
      : `Showing ${h ? h.textContent : 'the page'}.`;
    // Focus moves to the new page's heading, so a screen reader and the keyboard start there.
    h?.focus({ preventScroll: true });
    document.body.setAttribute('data-generation', String(mine));
    document.body.setAttribute('data-state', 'ready');
  }
  // "Skip the map": the map is one link per country (the tables below hold the same links); a fragment link would be
  // read as a route, so the skip moves focus itself.
  document.addEventListener('click', (e) => {
    var a = e.target.closest ? e.target.closest('a[data-skip]') : null;
    if (!a) return;
    e.preventDefault();
    var target = $(a.getAttribute('data-skip'));
    target?.setAttribute('tabindex', '-1');
    target?.focus();
  });
  window.addEventListener('hashchange', () => {
    route();
  });

  (async function start() {
    var problem = await loadOptions();
    readUrl();
    if (parseHash().view) {
      currentView = 'none';
      await route();
    } else {
      currentView = 'overview';
      overviewShown = true;
      document.body.setAttribute('data-view', 'overview');
      await refresh();
    }
    if (problem) $('status').textContent = `Could not read the list names: ${problem}`;
  })();
})();
