/**
 * The dashboard's files imported as text (`with { type: 'text' }`), which esbuild inlines into the function's bundle as
 * strings (functions/query/assets.ts); these declarations give those imports their type.
 */
declare module '*.html' {
  const text: string;
  export default text;
}
declare module '*/dashboard.js' {
  const text: string;
  export default text;
}
