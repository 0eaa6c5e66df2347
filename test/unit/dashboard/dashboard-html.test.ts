import { readdirSync, readFileSync } from 'node:fs';
import { parseDocument, DomUtils } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_HTML, DASHBOARD_JS } from '../../../functions/query/assets.ts';
import { DASHBOARD_CSP } from '../../../functions/query/app.ts';

// The browser test (test/e2e/dashboard.test.ts) needs Chromium; these checks of the page's text run everywhere.
const doc = parseDocument(DASHBOARD_HTML);
const scripts = DomUtils.getElementsByTagName('script', doc);
/**
 * Our own sources of the script (functions/query/dashboard*.js): DASHBOARD_JS is their bundle with the chart library
 * (scripts/build-dashboard.mjs), whose code our rules do not cover (d3 has an `html()` that we never call).
 */
const SOURCE_DIR = new URL('../../../functions/query/', import.meta.url);
const SOURCES = readdirSync(SOURCE_DIR)
  .filter((f) => /^dashboard.*\.js$/.test(f))
  .map((f) => ({ file: f, text: readFileSync(new URL(f, SOURCE_DIR), 'utf8') }));
const SOURCE = SOURCES.map((s) => s.text).join('\n');
/** XML namespace names, which the library passes to createElementNS: identifiers, never fetched. */
const XML_NAMESPACES =
  /http:\/\/www\.w3\.org\/(?:2000\/svg|1999\/xhtml|1999\/xlink|XML\/1998\/namespace|2000\/xmlns\/)/g;

describe('DASHBOARD_HTML', () => {
  it('holds no absolute or protocol-relative URL and loads nothing from elsewhere', () => {
    // Prepare
    const linked = DomUtils.findAll((e) => 'src' in e.attribs || 'href' in e.attribs, doc.children).map(
      (e) => e.attribs.src ?? e.attribs.href,
    );
    // Act
    const absolute = [DASHBOARD_HTML, SOURCE, DASHBOARD_JS.replace(XML_NAMESPACES, '')].map((t) =>
      t.match(/\b(?:https?|wss?|ftp):\/\/|["'(]\/\//gi),
    );
    // Assess
    expect(absolute).toEqual([null, null, null]);
    expect(SOURCE.match(/\b(?:https?|wss?|ftp):/gi)).toBeNull();
    // Only data: URLs, hash links (routes of the page itself), and the script beside the page, by a relative URL (a
    // path prefix in front of it is kept).
    expect(linked.filter((u) => !u!.startsWith('data:') && !u!.startsWith('#'))).toEqual(['dashboard.js']);
  });

  it('loads one script file, a bundle that parses, from sources that never write HTML from strings', () => {
    // Prepare
    expect(scripts.map((s) => ({ src: s.attribs.src, inline: DomUtils.textContent(s) }))).toEqual([
      { src: 'dashboard.js', inline: '' },
    ]);
    // Act
    const compile = () => new Function(DASHBOARD_JS);
    // Assess
    expect(compile).not.toThrow();
    expect(DASHBOARD_JS.startsWith('/*! sanctions-radar dashboard, bundled by scripts/build-dashboard.mjs')).toBe(true);
    expect(SOURCES.map((s) => s.file).sort()).toEqual([
      'dashboard-changes.js',
      'dashboard-charts.js',
      'dashboard-core.js',
      'dashboard-views.js',
      'dashboard.js',
    ]);
    for (const { file, text } of SOURCES)
      expect(text, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    // API paths are relative, so a path prefix in front of the page is kept.
    for (const path of ['counts/countries', 'counts/entities', 'ingests', 'articles', 'counts/timeline', 'changes']) {
      expect(SOURCE).toContain(`getJson('${path}'`);
      expect(SOURCE).not.toContain(`'/${path}`);
    }
    expect(SOURCE).toMatch(/getJson\(`entities\/\$\{encodeURIComponent\(id\)\}`/);
    expect(SOURCE).toMatch(/getJson\(`articles\/\$\{encodeURIComponent\(id\)\}`/);
  });

  it('labels every form control, and has a live region for loading and errors', () => {
    // Prepare
    const controls = DomUtils.findAll((e) => ['input', 'select'].includes(e.name), doc.children);
    const labelFor = new Set(DomUtils.getElementsByTagName('label', doc).map((l) => l.attribs.for));
    // Act
    const unlabelled = controls.filter((c) => !c.attribs.id || !labelFor.has(c.attribs.id)).map((c) => c.attribs.name);
    const live = DomUtils.findAll((e) => e.attribs['aria-live'] === 'polite', doc.children);
    // Assess
    expect(controls.map((c) => c.attribs.name)).toEqual([
      'list',
      'type',
      'country',
      'listed',
      'q',
      'from',
      'to',
      'sort',
      'metric',
      'metric',
      'metric',
      'changes-list',
      'changes-type',
    ]);
    expect(unlabelled).toEqual([]);
    expect(live).toHaveLength(1);
  });

  it('confines the page to its own origin with a Content-Security-Policy that allows no inline script', () => {
    // Prepare
    const directives = new Map(
      DASHBOARD_CSP.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values.join(' ')];
      }),
    );
    // Act
    const inlineHandlers = DomUtils.findAll(
      (e) => Object.keys(e.attribs).some((a) => a.startsWith('on')),
      doc.children,
    );
    // Assess
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-eval');
    expect(inlineHandlers).toEqual([]);
    // The policy is a header now: a <meta> one could not say frame-ancestors, and two policies would both apply.
    expect(DomUtils.findOne((e) => e.attribs['http-equiv'] !== undefined, doc.children)).toBeNull();
  });
});
