/**
 * The dashboard page (GET /): one self-contained string of HTML, CSS and vanilla JS. No build step, no CDN, no chart
 * library: the bar chart is SVG drawn here. It reads the same JSON API as everyone else, through relative URLs, because
 * on AWS the page may sit under a path prefix.
 *
 * Rules the script keeps (test/unit/dashboard and test/e2e/dashboard check them):
 * - API text only ever reaches the DOM through `textContent` / `setAttribute`, never `innerHTML`.
 * - No absolute URL anywhere: even the SVG namespace is read from the inline `<svg>` element rather than spelt out.
 * - The Content-Security-Policy meta confines every fetch to the page's own origin, so "works offline" is enforced by
 *   the browser, not just promised.
 *
 * `String.raw` keeps the script's backslashes as written; the script itself must use no backtick and no dollar-brace.
 */
export const DASHBOARD_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<link rel="icon" href="data:,">
<title>sanctions-radar dashboard</title>
<style>
:root{--bg:#f6f7f9;--card:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#e3e6ea;--accent:#1f5fbf;--listed:#2f6fd6;--articles:#d9822b;--err-bg:#fdecec;--err:#a4161a;--ok:#1e7b3c;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--bg:#14171b;--card:#1d2127;--fg:#e6e9ed;--muted:#9aa4b0;--line:#333a43;--accent:#79a8ff;--listed:#5b93f0;--articles:#f0a050;--err-bg:#3b1d1f;--err:#ff9a9a;--ok:#6fd08c;--warn:#e8c260}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header,main{max-width:76rem;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.25rem}
h1{font-size:1.5rem;margin:0 0 .15rem}
h2{font-size:1.1rem;margin:0 0 .6rem}
.sub{color:var(--muted);margin:0 0 1rem}
section,form{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.1rem;margin:0 0 1rem}
fieldset{border:0;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));gap:.7rem 1rem}
legend{font-weight:600;margin-bottom:.5rem;padding:0}
label{display:flex;flex-direction:column;gap:.2rem;font-size:.85rem;color:var(--muted)}
input,select,button{font:inherit;color:var(--fg);background:var(--card);border:1px solid #9aa3ad;border-radius:6px;padding:.35rem .5rem;min-height:2.1rem}
button{cursor:pointer;background:var(--accent);border-color:var(--accent);color:#fff;font-weight:600;padding:.35rem 1rem}
button.secondary{background:transparent;color:var(--accent)}
.actions{display:flex;gap:.6rem;align-items:flex-end}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.hint{font-size:.8rem;color:var(--muted);margin:.6rem 0 0}
#status{min-height:1.4rem;margin:.2rem 0 .8rem;color:var(--muted)}
.error{background:var(--err-bg);color:var(--err);border-radius:6px;padding:.45rem .7rem;margin:.2rem 0 .6rem}
.error:empty{display:none}
.legend{display:flex;gap:1rem;font-size:.85rem;color:var(--muted);margin:-.2rem 0 .4rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;vertical-align:-.1rem;margin-right:.3rem}
#chart{width:100%;height:auto;display:block}
#chart text{font-size:13px;fill:var(--fg)}
#chart .head{fill:var(--muted);font-weight:600}
#chart .num{fill:var(--muted)}
#chart .bar-listed{fill:var(--listed)}
#chart .bar-articles{fill:var(--articles)}
#chart .row:focus{outline:none}
#chart .row:focus .band,#chart .row:hover .band{fill:var(--line)}
#chart .row.selected .band{fill:var(--line);stroke:var(--accent)}
#chart .band{fill:transparent}
#chart .row{cursor:pointer}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;color:var(--muted);font-size:.85rem;padding-bottom:.3rem}
th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.key{word-break:break-all;max-width:22rem;min-width:10rem}
#ingests{min-width:54rem}#entities{min-width:36rem}
td.when{white-space:nowrap}
td.err{color:var(--err);max-width:26rem;overflow-wrap:anywhere}td.err details{margin:0}td.err summary{color:var(--err)}td.err .err-full{white-space:pre-wrap}
tr.empty td{color:var(--muted);font-style:italic}
.badge{display:inline-block;border-radius:999px;padding:0 .5rem;font-size:.8rem;border:1px solid currentColor;white-space:nowrap}
.st-done,.yes{color:var(--ok)}.st-unchanged{color:var(--muted)}.st-failed,.st-quarantined{color:var(--err)}.st-processing{color:var(--warn)}.no{color:var(--muted)}
details{margin-top:.6rem}summary{cursor:pointer;color:var(--accent)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
</style>
</head>
<body data-state="loading" data-generation="0">
<header>
<h1>sanctions-radar</h1>
<p class="sub">Listed entities and news mentions by country, the most mentioned entities, and what happened to recent uploads.</p>
</header>
<main>
<form id="filters" novalidate>
<fieldset>
<legend>Filters</legend>
<label for="f-list">List<select id="f-list" name="list"><option value="">All lists</option></select></label>
<label for="f-type">Entity type<select id="f-type" name="type">
<option value="">All types</option><option value="person">Person</option><option value="organization">Organization</option>
<option value="vessel">Vessel</option><option value="aircraft">Aircraft</option><option value="other">Other</option></select></label>
<label for="f-country">Country (entities)<input id="f-country" name="country" list="country-options" autocomplete="off" placeholder="CN or China" aria-describedby="filters-hint"></label>
<label for="f-listed">Listed<select id="f-listed" name="listed"><option value="">Listed or not</option><option value="true">Listed only</option><option value="false">Not listed</option></select></label>
<label for="f-q">Name starts with<input id="f-q" name="q" autocomplete="off" aria-describedby="filters-hint"></label>
<label for="f-from">Articles from<input id="f-from" name="from" type="date"></label>
<label for="f-to">Articles to<input id="f-to" name="to" type="date"></label>
<label for="f-sort">Rank countries by<select id="f-sort" name="sort">
<option value="-listedEntities">Listed entities</option><option value="-articles">Articles</option><option value="-mentions">Mentions</option>
<option value="-listedEntitiesInNews">Listed entities in the news</option></select></label>
<div class="actions"><button type="submit" id="f-apply">Apply</button><button type="reset" id="f-reset" class="secondary">Reset</button></div>
</fieldset>
<datalist id="country-options"></datalist>
<p class="hint" id="filters-hint">Lists and menus apply at once; text fields apply on Enter. Country and name filter the entities table; dates filter article counts. Select a country in the chart to see its entities.</p>
</form>
<div id="status" role="status" aria-live="polite" aria-atomic="true"></div>
<section aria-labelledby="chart-h">
<h2 id="chart-h">Top 20 countries</h2>
<p id="chart-error" class="error" role="alert"></p>
<div class="legend" aria-hidden="true"><span><span class="swatch" style="background:var(--listed)"></span>Listed entities</span><span><span class="swatch" style="background:var(--articles)"></span>Articles mentioning the country</span></div>
<svg id="chart" role="group" aria-labelledby="chart-h" aria-describedby="chart-help" viewBox="0 0 760 40"></svg>
<p id="chart-help" class="visually-hidden">Arrow keys move between countries; Enter shows that country's entities.</p>
<details><summary>Chart data as a table</summary>
<div class="scroll"><table id="chart-table"><thead><tr><th scope="col">Country</th><th scope="col" class="n">Listed entities</th><th scope="col" class="n">Articles</th><th scope="col" class="n">Mentions</th><th scope="col" class="n">Listed in news</th><th scope="col">By list</th></tr></thead><tbody></tbody></table></div>
</details>
</section>
<section aria-labelledby="entities-h">
<h2 id="entities-h">Top entities</h2>
<p id="entities-error" class="error" role="alert"></p>
<div class="scroll" tabindex="0" role="region" aria-labelledby="entities-h">
<table id="entities"><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Countries</th><th scope="col">Lists</th><th scope="col">Listed</th><th scope="col" class="n">Articles</th><th scope="col" class="n">Mentions</th></tr></thead><tbody></tbody></table>
</div>
</section>
<section aria-labelledby="ingests-h">
<h2 id="ingests-h">Recent ingests</h2>
<p id="ingests-error" class="error" role="alert"></p>
<div class="scroll" tabindex="0" role="region" aria-labelledby="ingests-h">
<table id="ingests"><thead><tr><th scope="col">File</th><th scope="col">Status</th><th scope="col">Format</th><th scope="col">List</th><th scope="col" class="n">Read</th><th scope="col" class="n">Written</th><th scope="col" class="n">Rejected</th><th scope="col">Error</th><th scope="col">Updated (UTC)</th></tr></thead><tbody></tbody></table>
</div>
</section>
</main>
<script>
(function () {
  'use strict';
  var CHART_LIMIT = 20;
  var ENTITY_LIMIT = 25;
  var INGEST_LIMIT = 25;
  var STATUSES = ['done', 'unchanged', 'failed', 'quarantined', 'processing'];
  var $ = function (id) { return document.getElementById(id); };
  var form = $('filters');
  var chart = $('chart');
  // Read, not written out: the page must hold no absolute URL at all.
  var SVG_NS = chart.namespaceURI;
  var generation = 0;
  var countryByName = new Map();
  var lastChart = null;

  // Relative to the page, so a path prefix (API Gateway stage) is kept; a page at /prod (no slash) still means /prod/.
  function apiUrl(path, params) {
    var base = new URL(location.href);
    base.search = '';
    base.hash = '';
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    var u = new URL(path, base);
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
    });
    return u;
  }

  function describeProblem(status, body, text) {
    if (body && typeof body === 'object') {
      var msg = String(body.title || ('HTTP ' + status)) + (body.detail ? ': ' + String(body.detail) : '');
      if (Array.isArray(body.errors)) {
        body.errors.forEach(function (e) {
          var part = String(e && e.parameter) + ' ' + String(e && e.reason);
          if (e && e.reason && msg.indexOf(String(e.reason)) < 0) msg += ' (' + part + ')';
        });
      }
      return msg + ' [' + status + ']';
    }
    return 'HTTP ' + status + (text ? ': ' + text.slice(0, 200) : '');
  }

  async function getJson(path, params) {
    try {
      var res = await fetch(apiUrl(path, params), { headers: { accept: 'application/json' } });
      var text = await res.text();
      var body = null;
      try { body = JSON.parse(text); } catch (e) { body = null; }
      if (res.ok && body && Array.isArray(body.items)) return { ok: true, data: body };
      return { ok: false, problem: describeProblem(res.status, body, res.ok ? 'not the expected JSON' : text) };
    } catch (err) {
      return { ok: false, problem: 'Network error: ' + String(err && err.message ? err.message : err) };
    }
  }

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function svgEl(tag, attrs, text) {
    var n = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
  function num(v) { var n = Number(v); return Number.isFinite(n) ? n : 0; }
  function fmt(v) { return num(v).toLocaleString('en'); }
  function plural(n, one, many) { return fmt(n) + ' ' + (num(n) === 1 ? one : many); }
  function td(text, cls) { return el('td', cls ? { class: cls } : null, text); }
  function emptyRow(tbody, cols, text) {
    var tr = el('tr', { class: 'empty' });
    tr.appendChild(el('td', { colspan: cols }, text));
    tbody.appendChild(tr);
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
    ['list', 'type', 'country', 'listed', 'q', 'from', 'to', 'sort'].forEach(function (k) { f[k] = String(d.get(k) || '').trim(); });
    f.country = resolveCountry(f.country);
    return f;
  }

  function writeUrl(f) {
    var p = new URLSearchParams();
    Object.keys(f).forEach(function (k) { if (f[k] && !(k === 'sort' && f[k] === '-listedEntities')) p.set(k, f[k]); });
    var qs = p.toString();
    history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
  }

  function ensureListOption(list) {
    var sel = $('f-list');
    for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === list) return;
    sel.appendChild(el('option', { value: list }, list));
  }

  function readUrl() {
    var p = new URLSearchParams(location.search);
    p.forEach(function (v, k) {
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
    var lists = new Set();
    var dl = $('country-options');
    clear(dl);
    r.data.items.forEach(function (it) {
      Object.keys(it.byList || {}).forEach(function (l) { lists.add(l); });
      countryByName.set(String(it.name).toLowerCase(), String(it.country));
      dl.appendChild(el('option', { value: it.country, label: it.name }));
    });
    Array.from(lists).sort().forEach(ensureListOption);
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
    var label = Math.min(190, Math.round(W * 0.3)), gap = 16, rowH = 26, top = 26;
    var panel = (W - label - gap * 2) / 2;
    var room = panel - 44;
    var h = top + rowH * Math.max(items.length, 1) + 4;
    chart.setAttribute('viewBox', '0 0 ' + W + ' ' + h);
    chart.setAttribute('data-count', String(items.length));
    var xL = label + gap, xA = label + gap * 2 + panel;
    chart.appendChild(svgEl('text', { x: xL, y: 14, class: 'head' }, 'Listed entities'));
    chart.appendChild(svgEl('text', { x: xA, y: 14, class: 'head' }, 'Articles'));
    if (!items.length) {
      chart.appendChild(svgEl('text', { x: label - 8, y: top + 16, 'text-anchor': 'end', class: 'num' }, r.ok ? 'No countries match these filters.' : 'No data.'));
      emptyRow(tbody, 6, r.ok ? 'No countries match these filters.' : 'No data.');
      return;
    }
    var maxL = Math.max(1, Math.max.apply(null, items.map(function (i) { return num(i.listedEntities); })));
    var maxA = Math.max(1, Math.max.apply(null, items.map(function (i) { return num(i.articles); })));
    items.forEach(function (it, idx) {
      var listed = num(it.listedEntities), articles = num(it.articles), mentions = num(it.mentions);
      var byList = Object.keys(it.byList || {}).sort().map(function (k) { return k + ' ' + fmt(it.byList[k]); }).join(', ');
      var name = String(it.name) + ' (' + String(it.country) + ')';
      var desc = name + ': ' + plural(listed, 'listed entity', 'listed entities') + (byList ? ' (' + byList + ')' : '') + ', ' +
        plural(articles, 'article', 'articles') + ', ' + plural(mentions, 'mention', 'mentions') + ', ' +
        plural(it.listedEntitiesInNews, 'listed entity', 'listed entities') + ' in the news';
      var g = svgEl('g', {
        class: 'row' + (selectedCountry === it.country ? ' selected' : ''), role: 'button', tabindex: idx === 0 ? 0 : -1,
        transform: 'translate(0,' + (top + idx * rowH) + ')', 'aria-label': desc,
        'data-country': it.country, 'data-listed': listed, 'data-articles': articles, 'data-mentions': mentions,
      });
      g.appendChild(svgEl('title', null, desc));
      g.appendChild(svgEl('rect', { class: 'band', x: 0, y: 0, width: W, height: rowH - 2, rx: 4 }));
      var maxChars = Math.floor((label - 12) / 7.5);
      var shown = String(it.name).length > maxChars ? String(it.name).slice(0, maxChars - 1) + '\u2026' : String(it.name);
      g.appendChild(svgEl('text', { x: label - 8, y: rowH / 2 + 3, 'text-anchor': 'end' }, shown));
      var wl = listed ? Math.max(2, room * listed / maxL) : 0;
      var wa = articles ? Math.max(2, room * articles / maxA) : 0;
      g.appendChild(svgEl('rect', { class: 'bar-listed', x: xL, y: 5, width: wl.toFixed(1), height: rowH - 12, rx: 2 }));
      g.appendChild(svgEl('text', { class: 'num', x: (xL + wl + 5).toFixed(1), y: rowH / 2 + 3 }, fmt(listed)));
      g.appendChild(svgEl('rect', { class: 'bar-articles', x: xA, y: 5, width: wa.toFixed(1), height: rowH - 12, rx: 2 }));
      g.appendChild(svgEl('text', { class: 'num', x: (xA + wa + 5).toFixed(1), y: rowH / 2 + 3 }, fmt(articles)));
      chart.appendChild(g);

      var tr = el('tr', { 'data-country': it.country });
      tr.appendChild(td(name));
      tr.appendChild(td(fmt(listed), 'n'));
      tr.appendChild(td(fmt(articles), 'n'));
      tr.appendChild(td(fmt(mentions), 'n'));
      tr.appendChild(td(fmt(it.listedEntitiesInNews), 'n'));
      tr.appendChild(td(byList || '\u2014'));
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
    items.forEach(function (it) {
      var tr = el('tr', { 'data-id': it.id, 'data-articles': num(it.articles), 'data-mentions': num(it.mentions) });
      tr.appendChild(td(it.name));
      tr.appendChild(td(it.type));
      tr.appendChild(td((it.countries || []).join(', ') || '\u2014'));
      tr.appendChild(td((it.lists || []).join(', ') || '\u2014'));
      var c = el('td');
      c.appendChild(el('span', { class: 'badge ' + (it.listed ? 'yes' : 'no') }, it.listed ? 'listed' : 'not listed'));
      tr.appendChild(c);
      tr.appendChild(td(fmt(it.articles), 'n'));
      tr.appendChild(td(fmt(it.mentions), 'n'));
      tbody.appendChild(tr);
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
    var short = text.slice(0, 140).replace(/\s+\S*$/, '') + ' \u2026 (show all)';
    var summary = el('summary', null, short);
    d.appendChild(summary);
    d.appendChild(el('div', { class: 'err-full' }, text));
    d.addEventListener('toggle', function () { summary.textContent = d.open ? 'Hide the full error' : short; });
    c.appendChild(d);
    return c;
  }

  // Newest first; the API pages by key, so "recent" is within the page read.
  function renderIngests(r) {
    var tbody = $('ingests').tBodies[0];
    clear(tbody);
    $('ingests-error').textContent = r.ok ? '' : r.problem;
    var items = r.ok ? r.data.items.slice() : [];
    items.sort(function (a, b) { return String(b.updatedAt || '').localeCompare(String(a.updatedAt || '')) || String(a.key).localeCompare(String(b.key)); });
    items = items.slice(0, INGEST_LIMIT);
    $('ingests').setAttribute('data-count', String(items.length));
    if (!items.length) return emptyRow(tbody, 9, r.ok ? 'Nothing ingested yet.' : 'No data.');
    items.forEach(function (it) {
      var rec = it.records || {};
      var status = String(it.status || 'unknown');
      var tr = el('tr', { 'data-key': it.key, 'data-status': status });
      tr.appendChild(td(it.key, 'key'));
      var c = el('td');
      // The class comes from a fixed set, never straight from the API.
      c.appendChild(el('span', { class: 'badge ' + (STATUSES.indexOf(status) >= 0 ? 'st-' + status : '') }, status));
      tr.appendChild(c);
      tr.appendChild(td(it.format || '\u2014'));
      tr.appendChild(td(it.list || '\u2014'));
      tr.appendChild(td(fmt(rec.read), 'n'));
      tr.appendChild(td(fmt(rec.written), 'n'));
      tr.appendChild(td(fmt(rec.rejected), 'n'));
      tr.appendChild(errorCell(it.error ? String(it.error) : ''));
      tr.appendChild(td(it.updatedAt ? String(it.updatedAt).slice(0, 16).replace('T', ' ') : '\u2014', 'when'));
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
      getJson('counts/countries', { list: f.list, type: f.type, from: f.from, to: f.to, sort: f.sort, limit: CHART_LIMIT }),
      getJson('counts/entities', { country: f.country, type: f.type, list: f.list, listed: f.listed, from: f.from, to: f.to, q: f.q, limit: ENTITY_LIMIT }),
      getJson('ingests', { limit: 100 }),
    ]);
    // A newer refresh started while this one waited: its answers win, these are stale.
    if (mine !== generation) return;
    renderChart(results[0], f.country);
    renderEntities(results[1]);
    renderIngests(results[2]);
    var failed = results.filter(function (x) { return !x.ok; }).length;
    $('status').textContent = failed
      ? failed + ' of 3 requests failed; see the messages below.'
      : 'Showing ' + plural(results[0].data.items.length, 'country', 'countries') + ', ' + plural(results[1].data.items.length, 'entity', 'entities') + ' and ' + plural(Math.min(results[2].data.items.length, INGEST_LIMIT), 'ingest', 'ingests') + '.';
    document.body.setAttribute('data-generation', String(mine));
    document.body.setAttribute('data-state', 'ready');
  }

  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (lastChart) renderChart(lastChart.r, lastChart.selected); }, 100);
  });

  var timer = 0;
  function schedule() { clearTimeout(timer); timer = setTimeout(refresh, 120); }

  form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); refresh(); });
  form.addEventListener('change', function (e) {
    var t = e.target;
    if (t && (t.tagName === 'SELECT' || t.type === 'date')) schedule();
  });
  // The reset event fires before the fields are cleared.
  form.addEventListener('reset', function () { setTimeout(refresh, 0); });

  function rows() { return Array.prototype.slice.call(chart.querySelectorAll('.row')); }
  chart.addEventListener('keydown', function (e) {
    var list = rows();
    var i = list.indexOf(e.target.closest ? e.target.closest('.row') : null);
    if (i < 0) return;
    var next = -1;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') next = Math.min(list.length - 1, i + 1);
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = list.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pickCountry(list[i]); return; }
    if (next < 0) return;
    e.preventDefault();
    list[i].setAttribute('tabindex', '-1');
    list[next].setAttribute('tabindex', '0');
    list[next].focus();
  });
  chart.addEventListener('click', function (e) {
    var row = e.target.closest ? e.target.closest('.row') : null;
    if (row) pickCountry(row);
  });
  function pickCountry(row) {
    var input = $('f-country');
    var cc = row.getAttribute('data-country') || '';
    input.value = input.value === cc ? '' : cc;
    refresh();
  }

  (async function start() {
    var problem = await loadOptions();
    readUrl();
    await refresh();
    if (problem) $('status').textContent = 'Could not read the list names: ' + problem;
  })();
})();
</script>
</body>
</html>
`;
