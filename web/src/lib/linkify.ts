/** A run of message text: plain, or a link. Rendered as text nodes and <a> elements, never as HTML. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// http(s) URLs and bare www. hosts; trailing punctuation stays outside the link.
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const PUNCT = /[.,;:!?\]}'"]/;

/** Drops trailing punctuation; a ")" stays when it closes a "(" inside the URL (Wikipedia links). */
function trimTrailing(url: string): string {
  for (;;) {
    const last = url[url.length - 1];
    if (last && PUNCT.test(last)) url = url.slice(0, -1);
    else if (last === ')' && url.split(')').length > url.split('(').length) url = url.slice(0, -1);
    else return url;
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = trimTrailing(m[0]);
    const start = m.index;
    if (!url) continue;
    const href = /^https?:\/\//i.test(url) ? url : `https://${url}`;
    // Only http(s) ever becomes a link: no javascript:, data: or other schemes.
    let safe: string;
    try {
      const u = new URL(href);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
      safe = u.href;
    } catch {
      continue;
    }
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: url, href: safe });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
