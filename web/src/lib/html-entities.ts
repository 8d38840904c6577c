// Stands in for the `entities` package inside markdown-it in the browser build (vite.config.mts
// aliases it here). markdown-it asks it only one thing, decodeHTMLStrict("&name;") for a named
// character reference, and `entities` answers from a 20 KB gz table; the browser already knows every
// name, which decode-named-character-reference's DOM build asks it for. Numeric references
// (&#60;) markdown-it decodes itself. The Node unit tests run markdown-it with the real `entities`.
import { decodeNamedCharacterReference } from 'decode-named-character-reference';

/** "&amp;" → "&"; anything that is not one known, semicolon-terminated reference comes back unchanged. */
export function decodeHTMLStrict(text: string): string {
  const m = /^&([a-z][a-z0-9]{1,31});$/i.exec(text);
  if (!m?.[1]) return text;
  const decoded = decodeNamedCharacterReference(m[1]);
  return decoded === false ? text : decoded;
}
