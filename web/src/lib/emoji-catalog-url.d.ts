// Vite's `*?url` wildcard does not reach a package's JSON path (TypeScript resolves the package's own
// compact.json.d.ts first and fails on the suffix), so this one import is declared by name.
declare module 'emojibase-data/en/compact.json?url' {
  const url: string;
  export default url;
}
