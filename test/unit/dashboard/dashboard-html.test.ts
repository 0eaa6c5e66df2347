import { parseDocument, DomUtils } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_HTML, DASHBOARD_JS } from '../../../functions/query/assets.ts';
import { DASHBOARD_CSP } from '../../../functions/query/app.ts';

// The browser test (test/e2e/dashboard.test.ts) needs Chromium; these checks of the page's text run everywhere.
const doc = parseDocument(DASHBOARD_HTML);
const scripts = DomUtils.getElementsByTagName('script', doc);

describe('DASHBOARD_HTML', () => {
  it('holds no absolute or protocol-relative URL and loads nothing from elsewhere', () => {
    // Prepare
    const linked = DomUtils.findAll((e) => 'src' in e.attribs || 'href' in e.attribs, doc.children).map(
      (e) => e.attribs.src ?? e.attribs.href,
    );
    // Act
    const absolute = [DASHBOARD_HTML, DASHBOARD_JS].map((t) => t.match(/\b(?:https?|wss?|ftp):|["'(]\/\//gi));
    // Assess
    expect(absolute).toEqual([null, null]);
    // Only data: URLs, and the script beside the page, by a relative URL (a path prefix in front of it is kept).
    expect(linked.filter((u) => !u!.startsWith('data:'))).toEqual(['dashboard.js']);
  });

  it('loads one script file, which parses and never writes HTML from strings', () => {
    // Prepare
    expect(scripts.map((s) => ({ src: s.attribs.src, inline: DomUtils.textContent(s) }))).toEqual([
      { src: 'dashboard.js', inline: '' },
    ]);
    const script = DASHBOARD_JS;
    // Act
    const compile = () => new Function(script);
    // Assess
    expect(compile).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    // API paths are relative, so a path prefix in front of the page is kept.
    for (const path of ['counts/countries', 'counts/entities', 'ingests']) {
      expect(script).toContain(`getJson('${path}'`);
      expect(script).not.toContain(`'/${path}`);
    }
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
