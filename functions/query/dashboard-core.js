/**
 * What every view of the dashboard shares: reading the JSON API through relative URLs (on AWS the page may sit under
 * a path prefix), building DOM nodes, number formatting, and the hash links between views.
 *
 * Rules the dashboard keeps (test/unit/dashboard and test/e2e/dashboard check them):
 * - API text only ever reaches the DOM through `textContent` / `setAttribute`, never through a property or call that
 *   parses HTML (test/unit/dashboard lists them).
 * - No absolute URL in our sources: links to an article's own page come from the API's data, the rest are hash links.
 */

export const $ = (id) => document.getElementById(id);

// Relative to the page, so a path prefix (API Gateway stage) is kept; a page at /prod (no slash) still means /prod/.
export function apiUrl(path, params) {
  var base = new URL(location.href);
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  var u = new URL(path, base);
  Object.keys(params || {}).forEach((k) => {
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

/**
 * GET a JSON answer: `{ ok: true, data }` or `{ ok: false, problem, status }`. A list route must answer with `items`;
 * a single resource (`entities/{id}`, `articles/{id}`) with an object.
 */
export async function getJson(path, params, single) {
  try {
    const res = await fetch(apiUrl(path, params), { headers: { accept: 'application/json' } });
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch (_e) {
      body = null;
    }
    const shaped = body && typeof body === 'object' && (single ? !Array.isArray(body) : Array.isArray(body.items));
    if (res.ok && shaped) return { ok: true, data: body };
    return {
      ok: false,
      status: res.status,
      problem: describeProblem(res.status, body, res.ok ? 'not the expected JSON' : text),
    };
  } catch (err) {
    return { ok: false, status: 0, problem: `Network error: ${String(err?.message ? err.message : err)}` };
  }
}

export function el(tag, attrs, text) {
  var n = document.createElement(tag);
  if (attrs)
    Object.keys(attrs).forEach((k) => {
      if (attrs[k] !== undefined && attrs[k] !== null) n.setAttribute(k, String(attrs[k]));
    });
  if (text !== undefined && text !== null) n.textContent = String(text);
  return n;
}
export function clear(n) {
  while (n.firstChild) n.removeChild(n.firstChild);
}
export function num(v) {
  var n = Number(v);
  return Number.isFinite(n) ? n : 0;
}
export function fmt(v) {
  return num(v).toLocaleString('en');
}
export function plural(n, one, many) {
  return `${fmt(n)} ${num(n) === 1 ? one : many}`;
}
export function td(content, cls) {
  var c = el('td', cls ? { class: cls } : null);
  if (content instanceof Node) c.appendChild(content);
  else if (content !== undefined && content !== null) c.textContent = String(content);
  return c;
}
export function emptyRow(tbody, cols, text) {
  var tr = el('tr', { class: 'empty' });
  tr.appendChild(el('td', { colspan: cols }, text));
  tbody.appendChild(tr);
}

// Hash routes. Ids hold colons, spaces and slashes (`l:un-sc:KPe.001`, `m:organization:un security council`), so each
// is one encoded path segment.
export const hrefEntity = (id) => `#/entities/${encodeURIComponent(id)}`;
export const hrefCountry = (cc) => `#/countries/${encodeURIComponent(cc)}`;
export const hrefArticle = (id) => `#/articles/${encodeURIComponent(id)}`;
export function hrefArticles(params) {
  var p = new URLSearchParams();
  Object.keys(params).forEach((k) => {
    if (params[k] !== undefined && params[k] !== null && params[k] !== '') p.set(k, String(params[k]));
  });
  return `#/articles?${p.toString()}`;
}
export function link(href, text, attrs) {
  var a = el('a', Object.assign({ href: href }, attrs || {}), text);
  return a;
}
/** A count that leads to its evidence: a link when there is something behind it, plain text for a zero. */
export function countLink(n, href, label) {
  if (!num(n) || !href) return document.createTextNode(fmt(n));
  return link(href, fmt(n), { 'aria-label': label ? `${fmt(n)} ${label}` : null, class: 'count' });
}
/**
 * A link to the outside (an article's source). Only http(s) URLs from the API are made links: a `javascript:` URL in
 * the data must never become one. Opens apart, sends no referrer.
 */
export function sourceLink(url, text) {
  var u = null;
  try {
    u = new URL(String(url));
  } catch (_e) {
    u = null;
  }
  if (!u || !/^https?:$/.test(u.protocol)) return document.createTextNode(String(text || ''));
  return el('a', { href: u.href, rel: 'noopener noreferrer external', target: '_blank', class: 'source' }, text);
}

/** A section card with its heading; the body goes into the returned element. */
export function section(parent, id, title, extraClass) {
  var s = el('section', { 'aria-labelledby': `${id}-h`, id: id, class: extraClass || null });
  s.appendChild(el('h2', { id: `${id}-h` }, title));
  parent.appendChild(s);
  return s;
}
export function errorBox(parent, problem) {
  var p = el('p', { class: 'error', role: 'alert' }, problem || '');
  parent.appendChild(p);
  return p;
}
/** A table whose columns are `[label, className]`; className `n` aligns numbers, `minor` collapses on a phone. */
export function table(parent, id, caption, columns) {
  var wrap = el('div', { class: 'scroll' });
  var t = el('table', { id: id });
  if (caption) t.appendChild(el('caption', null, caption));
  var tr = el('tr');
  columns.forEach((c) => {
    tr.appendChild(el('th', { scope: 'col', class: c[1] || null }, c[0]));
  });
  var thead = el('thead');
  thead.appendChild(tr);
  t.appendChild(thead);
  t.appendChild(el('tbody'));
  wrap.appendChild(t);
  parent.appendChild(wrap);
  return t;
}
