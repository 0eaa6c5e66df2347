import { readFileSync } from 'node:fs';

/**
 * The dashboard's page and script, as text. In the Lambda bundle esbuild inlines both files as strings (the
 * `with { type: 'text' }` import attribute); Node and tsx (the sandbox, the tests) refuse that attribute, so there
 * the same files are read once, from beside this module. Either way they are read at cold start, never per request.
 */
async function asText(imported: () => Promise<{ default: unknown }>, file: string): Promise<string> {
  try {
    const m = await imported();
    if (typeof m.default === 'string') return m.default;
  } catch {
    // Not bundled: Node has no text imports (ERR_IMPORT_ATTRIBUTE_TYPE_UNSUPPORTED); read the file below.
  }
  return readFileSync(new URL(file, import.meta.url), 'utf8');
}

// Each import is spelt out with a literal path: that is what lets esbuild find and inline the file.
export const DASHBOARD_HTML = await asText(
  () => import('./dashboard.html', { with: { type: 'text' } }),
  './dashboard.html',
);
export const DASHBOARD_JS = await asText(() => import('./dashboard.js', { with: { type: 'text' } }), './dashboard.js');
