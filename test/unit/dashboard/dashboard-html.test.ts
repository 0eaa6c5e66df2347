import { parseDocument, DomUtils } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_HTML } from '../../../functions/query/dashboard.ts';

// The browser test (test/e2e/dashboard.test.ts) needs Chromium; these checks of the page's text run everywhere.
const doc = parseDocument(DASHBOARD_HTML);
const scripts = DomUtils.getElementsByTagName('script', doc).map((s) => DomUtils.textContent(s));

describe('DASHBOARD_HTML', () => {
  it('holds no absolute or protocol-relative URL and loads nothing from elsewhere', () => {
    // Prepare
    const linked = DomUtils.findAll((e) => 'src' in e.attribs || 'href' in e.attribs, doc.children).map(
      (e) => e.attribs.src ?? e.attribs.href,
    );
    // Act
    const absolute = DASHBOARD_HTML.match(/\b(?:https?|wss?|ftp):|["'(]\/\//gi);
    // Assess
    expect(absolute).toBeNull();
    expect(linked.every((u) => u!.startsWith('data:'))).toBe(true);
    expect(DomUtils.getElementsByTagName('script', doc).every((s) => !s.attribs.src)).toBe(true);
  });

  it('has one inline script that parses and never writes HTML from strings', () => {
    // Prepare
    expect(scripts).toHaveLength(1);
    const script = scripts[0]!;
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

  it('confines the page to its own origin with a Content-Security-Policy', () => {
    // Prepare
    const meta = DomUtils.findOne(
      (e) => e.name === 'meta' && e.attribs['http-equiv'] === 'Content-Security-Policy',
      doc.children,
    );
    // Act
    const csp = meta?.attribs.content ?? '';
    // Assess
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
  });
});
