/**
 * The dashboard's script, loaded by dashboard.html from the same origin (the Content-Security-Policy allows no inline
 * script). Vanilla JS, no build step, no CDN, no chart library: the bar chart is SVG drawn here. It reads the same JSON
 * API as everyone else, through relative URLs, because on AWS the page may sit under a path prefix.
 *
 * Rules this script keeps (test/unit/dashboard and test/e2e/dashboard check them):
 * - API text only ever reaches the DOM through `textContent` / `setAttribute`, never through a property or call that
 *   parses HTML (test/unit/dashboard lists them).
 * - No absolute URL anywhere: even the SVG namespace is read from the inline `<svg>` element rather than spelt out.
 */
// Loaded with type="module": strict mode without a directive, run once the document is parsed.
(() => {
  var CHART_LIMIT = 20;
  var ENTITY_LIMIT = 25;
  var INGEST_LIMIT = 25;
  var STATUSES = ['done', 'unchanged', 'failed', 'quarantined', 'processing'];
  var $ = (id) => document.getElementById(id);
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
    Object.keys(params).forEach((k) => {
      var v = params[k];
      if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
    });
    return u;
  }

  function describeProblem(status, body, text) {
    if (body && typeof body === 'object') {
      let msg = String(body.title || `HTTP ${status}`) + (body.detail ? `: ${String(body.detail)}` : '');
      if (Array.isArray(body.errors)) {
        body.errors.forEach((e) => {
          var part = `${String(e?.parameter)} ${String(e?.reason)}`;
          if (e?.reason && msg.indexOf(String(e.reason)) < 0) msg += ` (${part})`;
        });
      }
      return `${msg} [${status}]`;
    }
    return `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  }

  async function getJson(path, params) {
    try {
      const res = await fetch(apiUrl(path, params), { headers: { accept: 'application/json' } });
      const text = await res.text();
      let body = null;
      try {
        body = JSON.parse(text);
      } catch (_e) {
        body = null;
      }
      if (res.ok && body && Array.isArray(body.items)) return { ok: true, data: body };
      return { ok: false, problem: describeProblem(res.status, body, res.ok ? 'not the expected JSON' : text) };
    } catch (err) {
      return { ok: false, problem: `Network error: ${String(err?.message ? err.message : err)}` };
    }
  }

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    if (attrs)
      Object.keys(attrs).forEach((k) => {
        n.setAttribute(k, String(attrs[k]));
      });
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function svgEl(tag, attrs, text) {
    var n = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach((k) => {
      n.setAttribute(k, String(attrs[k]));
    });
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function clear(n) {
    while (n.firstChild) n.removeChild(n.firstChild);
  }
  function num(v) {
    var n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  function fmt(v) {
    return num(v).toLocaleString('en');
  }
  function plural(n, one, many) {
    return `${fmt(n)} ${num(n) === 1 ? one : many}`;
  }
  function td(text, cls) {
    return el('td', cls ? { class: cls } : null, text);
  }
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
    history.replaceState(null, '', location.pathname + (qs ? `?${qs}` : ''));
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
    items.forEach((it) => {
      var tr = el('tr', { 'data-id': it.id, 'data-articles': num(it.articles), 'data-mentions': num(it.mentions) });
      tr.appendChild(td(it.name));
      tr.appendChild(td(it.type));
      tr.appendChild(td((it.countries || []).join(', ') || '\u2014'));
      tr.appendChild(td((it.lists || []).join(', ') || '\u2014'));
      var c = el('td');
      c.appendChild(el('span', { class: `badge ${it.listed ? 'yes' : 'no'}` }, it.listed ? 'listed' : 'not listed'));
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
    ]);
    // A newer refresh started while this one waited: its answers win, these are stale.
    if (mine !== generation) return;
    renderChart(results[0], f.country);
    renderEntities(results[1]);
    renderIngests(results[2]);
    var failed = results.filter((x) => !x.ok).length;
    $('status').textContent = failed
      ? `${failed} of 3 requests failed; see the messages below.`
      : `Showing ${plural(results[0].data.items.length, 'country', 'countries')}, ${plural(results[1].data.items.length, 'entity', 'entities')} and ${plural(Math.min(results[2].data.items.length, INGEST_LIMIT), 'ingest', 'ingests')}.`;
    document.body.setAttribute('data-generation', String(mine));
    document.body.setAttribute('data-state', 'ready');
  }

  var resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (lastChart) renderChart(lastChart.r, lastChart.selected);
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

  (async function start() {
    var problem = await loadOptions();
    readUrl();
    await refresh();
    if (problem) $('status').textContent = `Could not read the list names: ${problem}`;
  })();
})();
