/**
 * The overview's "What changed" panel (issue 11.5): what each new version of a list added, changed and removed
 * (`GET /changes`), newest first, a page at a time ("More changes" follows the API's cursor), filtered by list and by
 * kind of change. Each row links the entity, its countries, and the articles of the 30 days before and after the
 * change (the windows `articlesBefore` / `articlesAfter` count over).
 *
 * Reads per load or "More": one page of `/changes` (CHANGES_LIMIT items; what that costs is the route's: a bounded
 * number of change sets, and two bounded counts per row). Nothing else: the list menu reuses the overview's data.
 *
 * Imports only dashboard-core.js, so the unit tests can load it without the chart library.
 */
import {
  clear,
  countLink,
  el,
  emptyRow,
  getJson,
  hrefArticles,
  hrefCountry,
  hrefEntity,
  link,
} from './dashboard-core.js';

export const CHANGES_LIMIT = 20;
/** Must stay shared/domain/list-delta.ts's NEWS_WINDOW_DAYS (test/unit/dashboard compares the windows). */
export const NEWS_WINDOW_DAYS = 30;
/** The kinds of change, as the API names them, and as a row says them. */
export const CHANGE_WORDS = { ADD: 'added', MOD: 'changed', DEL: 'removed' };

function addDays(day, days) {
  var d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The windows of a change's article counts, as shared/domain/list-delta.ts's `newsWindows` computes them (written
 * again here because that module needs node:crypto, which the browser bundle cannot take): the 30 days before the
 * day of the change, and that day with the 29 after it.
 */
export function newsWindows(changedAt) {
  var day = String(changedAt).slice(0, 10);
  return {
    before: { from: addDays(day, -NEWS_WINDOW_DAYS), to: addDays(day, -1) },
    after: { from: day, to: addDays(day, NEWS_WINDOW_DAYS - 1) },
  };
}

function countries(codes, names) {
  var span = el('span');
  if (!codes.length) span.textContent = '\u2014';
  codes.forEach((c, i) => {
    var code = String(c);
    var name = names?.get(code);
    if (i) span.appendChild(document.createTextNode(', '));
    span.appendChild(link(hrefCountry(code), name ? `${name} (${code})` : code, { 'data-country': code }));
  });
  return span;
}

/** A window's article count: a link to those articles (plain for a zero); a count that hit the API's cap says so. */
function newsCell(n, entityId, w, capped, label) {
  var c = el('td', { class: 'n' });
  c.appendChild(countLink(n, hrefArticles({ entity: entityId, from: w.from, to: w.to }), label));
  if (capped) c.appendChild(el('span', { title: 'at least: the count stopped at its cap' }, '+'));
  return c;
}

/** One row of `/changes`. */
export function changeRow(it, names) {
  var type = String(it.type);
  var w = newsWindows(it.changedAt);
  var tr = el('tr', {
    'data-list': it.list,
    'data-type': type,
    'data-entity': it.entityId,
    'data-before': Number(it.articlesBefore) || 0,
    'data-after': Number(it.articlesAfter) || 0,
  });
  var day = String(it.changedAt).slice(0, 10);
  var when = el('td', { class: 'when minor' });
  when.appendChild(el('time', { datetime: it.changedAt }, day));
  tr.appendChild(when);
  tr.appendChild(el('td', { class: 'minor list' }, it.list));
  var kind = el('td');
  // The class comes from a fixed set, never straight from the API.
  var word = CHANGE_WORDS[type];
  kind.appendChild(el('span', { class: `badge${word ? ` ch-${type}` : ''}`, title: type }, word || type));
  // A phone has no room for the date column: the date goes under the kind of change (shown there only).
  kind.appendChild(el('time', { datetime: it.changedAt, class: 'phone-date' }, day));
  tr.appendChild(kind);
  var name = el('td', { class: 'ent' });
  name.appendChild(link(hrefEntity(it.entityId), it.name, { class: 'entity' }));
  name.appendChild(el('span', { class: 'meta' }, ` ${String(it.entityType)}`));
  tr.appendChild(name);
  var cs = el('td', { class: 'minor' });
  cs.appendChild(countries(it.countries || [], names));
  tr.appendChild(cs);
  tr.appendChild(el('td', { class: 'minor fields' }, (it.fields || []).join(', ') || '\u2014'));
  tr.appendChild(
    newsCell(it.articlesBefore, it.entityId, w.before, it.articlesCapped, `articles in the 30 days before ${day}`),
  );
  tr.appendChild(
    newsCell(it.articlesAfter, it.entityId, w.after, it.articlesCapped, `articles in the 30 days from ${day}`),
  );
  return tr;
}

/**
 * Wires the panel's controls (ids in dashboard.html: `c-list`, `c-type`, `changes`, `changes-more`, `changes-error`,
 * `changes-section`) and returns `load()`: the first page for the current filters, a promise of the API's answer.
 * `<section data-state data-generation>` tell a test when a load finished.
 */
export function changesPanel(names) {
  var section = document.getElementById('changes-section');
  var tableEl = document.getElementById('changes');
  var tbody = tableEl.tBodies[0];
  var more = document.getElementById('changes-more');
  var error = document.getElementById('changes-error');
  var listSel = document.getElementById('c-list');
  var typeSel = document.getElementById('c-type');
  var cursor = null;
  var generation = 0;
  var shown = 0;

  async function page(first) {
    var mine = ++generation;
    section.setAttribute('data-state', 'loading');
    more.disabled = true;
    var r = await getJson('changes', {
      list: listSel.value,
      type: typeSel.value,
      limit: CHANGES_LIMIT,
      cursor: first ? null : cursor,
    });
    // A newer load (another filter) started while this one waited: its answer wins.
    if (mine !== generation) return r;
    more.disabled = false;
    error.textContent = r.ok ? '' : r.problem;
    if (first) {
      clear(tbody);
      shown = 0;
    }
    var items = r.ok ? r.data.items : [];
    var nm = names();
    items.forEach((it) => {
      tbody.appendChild(changeRow(it, nm));
    });
    shown += items.length;
    cursor = r.ok ? r.data.nextCursor || null : cursor;
    if (!r.ok && first) emptyRow(tbody, 8, 'No data.');
    else if (r.ok && !shown) emptyRow(tbody, 8, emptyText(!!cursor));
    if (cursor && r.ok) more.removeAttribute('hidden');
    else more.setAttribute('hidden', '');
    tableEl.setAttribute('data-count', String(shown));
    section.setAttribute('data-generation', String(mine));
    section.setAttribute('data-state', 'ready');
    return r;
  }

  function emptyText(hasMore) {
    // The API reads a bounded number of versions per page: a sparse filter can answer an empty page with a cursor.
    if (hasMore) return 'None in the latest versions read; \u201cMore changes\u201d reads further back.';
    if (typeSel.value)
      return `No entity ${CHANGE_WORDS[typeSel.value] || typeSel.value}${listSel.value ? ` on ${listSel.value}` : ''} yet.`;
    return 'No changes yet: a list\u2019s first version has nothing to compare with.';
  }

  /** The lists the menu offers: those the overview found in the data. */
  function setLists(lists) {
    var keep = listSel.value;
    while (listSel.options.length > 1) listSel.remove(1);
    lists.forEach((l) => {
      listSel.appendChild(el('option', { value: l }, l));
    });
    listSel.value = lists.indexOf(keep) >= 0 ? keep : '';
  }

  listSel.addEventListener('change', () => {
    page(true);
  });
  typeSel.addEventListener('change', () => {
    page(true);
  });
  more.addEventListener('click', () => {
    page(false);
  });
  return { load: () => page(true), setLists: setLists };
}
