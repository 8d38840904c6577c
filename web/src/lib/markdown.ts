// Message formatting: a Markdown subset parsed by markdown-it into a small tree of our own, which the
// components render as elements and text nodes. No HTML string is ever produced or handed to the DOM,
// so nothing a sender writes can become markup: raw HTML stays text (html: false, and the tree has no
// node for it), and a link is a link only with an http(s) or mailto address.
//
// Why markdown-it: measured on the hostile table of the browser test (4000 characters of backticks,
// stars, brackets, nested quotes and lists), it stays in single-digit milliseconds and never throws;
// marked overflows the stack on 2000 nested "> " or "1. ", and micromark takes 100-370 ms on some.
// It is loaded lazily (see markdown-loader.ts), so the first screen does not wait for its 41 KB gz.
import MarkdownIt from 'markdown-it';
import { linkify } from './linkify';

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong' | 'em' | 'del'; children: Inline[] }
  | { t: 'link'; href: string; children: Inline[] };

export type Block =
  | { t: 'p'; children: Inline[] }
  | { t: 'quote'; children: Block[] }
  | { t: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { t: 'pre'; text: string; lang: string };

const SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** The address a link may carry (normalised), or null: only absolute http(s) and mailto. */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    return SCHEMES.has(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

// The 'zero' preset has every rule off; we turn on only the subset a chat needs. No headings, tables,
// images, rules or indented code: in a chat, "# 1" or four leading spaces are rarely meant as markup.
// maxNesting (20 in this preset) turns deeper quotes and lists into text instead of recursing.
// Bare URLs are found by our own linkify (http(s) and www., as before formatting existed), not by
// markdown-it's linkify-it: that one tests every text token against very large expressions, and was
// half the parse time of a hostile message (2000 emphasis runs), and links "readme.md" too.
const md = new MarkdownIt('zero', { html: false, linkify: false, breaks: true, typographer: false });
md.enable(['blockquote', 'list', 'fence', 'paragraph', 'newline', 'escape', 'backticks', 'strikethrough', 'emphasis', 'link', 'autolink', 'entity']);
// A link whose address we would not follow is not a link at all: its text stays as written.
md.validateLink = (url) => safeHref(url) !== null;
type Token = ReturnType<typeof md.parse>[number];

function inlines(tokens: Token[]): Inline[] {
  const root: Inline[] = [];
  // Open containers; the root list is the bottom of the stack.
  const stack: { node: Inline & { children: Inline[] }; close: string }[] = [];
  const out = () => stack[stack.length - 1]?.node.children ?? root;
  const pushText = (text: string) => {
    if (!text) return;
    const list = out();
    const last = list[list.length - 1];
    if (last?.t === 'text') last.text += text;
    else list.push({ t: 'text', text });
  };
  for (const tok of tokens) {
    switch (tok.type) {
      case 'text':
      case 'text_special':
        pushText(tok.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        // A newline character, not <br>: the text keeps white-space: pre-wrap, so it shows as a line
        // break, and the message's text is what was sent.
        pushText('\n');
        break;
      case 'code_inline':
        out().push({ t: 'code', text: tok.content });
        break;
      case 'strong_open':
      case 'em_open':
      case 's_open': {
        const t = tok.type === 'strong_open' ? 'strong' : tok.type === 'em_open' ? 'em' : 'del';
        const node = { t, children: [] } as Inline & { children: Inline[] };
        out().push(node);
        stack.push({ node, close: tok.type.replace('_open', '_close') });
        break;
      }
      case 'link_open': {
        const href = safeHref(String(tok.attrGet('href') ?? ''));
        if (href) {
          const node = { t: 'link', href, children: [] } as Inline & { children: Inline[] };
          out().push(node);
          stack.push({ node, close: 'link_close' });
        } else {
          // Not a link we show (validateLink refused the unsafe ones already): its text joins the parent.
          stack.push({ node: { t: 'em', children: out() }, close: 'link_close' });
        }
        break;
      }
      case 'strong_close':
      case 'em_close':
      case 's_close':
      case 'link_close':
        if (stack[stack.length - 1]?.close === tok.type) stack.pop();
        break;
      default:
        // Anything else the parser may emit is shown as the text it came from.
        pushText(tok.content);
    }
  }
  return withBareLinks(root);
}

/** Text outside links and code, with its bare http(s) and www. URLs made links (lib/linkify.ts). */
function withBareLinks(list: Inline[]): Inline[] {
  return list.flatMap((n): Inline[] => {
    if (n.t === 'text') {
      return linkify(n.text).map((part) =>
        part.kind === 'link' ? { t: 'link', href: part.href, children: [{ t: 'text', text: part.text }] } : { t: 'text', text: part.text },
      );
    }
    if (n.t === 'strong' || n.t === 'em' || n.t === 'del') return [{ t: n.t, children: withBareLinks(n.children) }];
    return [n];
  });
}

/**
 * More formatted elements than this in one message and it is shown as written, as plain text. No one
 * means 1000 emphases in a 4000-character message, and the browser's first layout of that many inline
 * boxes is a long task (70-90 ms measured on the CI box) where one text node takes a few ms.
 */
export const MAX_ELEMENTS = 400;

function elementCount(blocks: Block[]): number {
  const inl = (list: Inline[]): number => list.reduce((n, c) => n + (c.t === 'text' ? 0 : 1 + ('children' in c ? inl(c.children) : 0)), 0);
  return blocks.reduce(
    (n, b) => n + 1 + (b.t === 'p' ? inl(b.children) : b.t === 'quote' ? elementCount(b.children) : b.t === 'list' ? b.items.reduce((m, item) => m + 1 + elementCount(item), 0) : 0),
    0,
  );
}

/** Parses a message body into the formatting tree (pure: the same text gives the same tree). */
export function parseMessage(text: string): Block[] {
  const plain: Block[] = [{ t: 'p', children: withBareLinks([{ t: 'text', text }]) }];
  // Checked before parsing too: emphasis delimiters are what make markdown-it slow (2000 of them:
  // ~20 ms cold in the browser), and that many could only make more elements than the limit.
  if ((text.match(/[*_~]/g)?.length ?? 0) > 2 * MAX_ELEMENTS) return plain;
  const blocks = parseBlocks(text);
  return elementCount(blocks) > MAX_ELEMENTS ? plain : blocks;
}

function parseBlocks(text: string): Block[] {
  const tokens = md.parse(text, {});
  const root: Block[] = [];
  type Frame = { blocks: Block[]; list?: Extract<Block, { t: 'list' }> };
  const stack: Frame[] = [{ blocks: root }];
  const top = () => stack[stack.length - 1]!;
  for (const tok of tokens) {
    switch (tok.type) {
      case 'inline':
        top().blocks.push({ t: 'p', children: inlines(tok.children ?? []) });
        break;
      case 'fence':
        top().blocks.push({ t: 'pre', text: tok.content.replace(/\n$/, ''), lang: tok.info.trim().split(/\s+/)[0] ?? '' });
        break;
      case 'blockquote_open': {
        const quote: Block = { t: 'quote', children: [] };
        top().blocks.push(quote);
        stack.push({ blocks: quote.children });
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const start = Number(tok.attrGet('start') ?? 1);
        const list: Extract<Block, { t: 'list' }> = { t: 'list', ordered: tok.type === 'ordered_list_open', start: Number.isFinite(start) ? start : 1, items: [] };
        top().blocks.push(list);
        stack.push({ blocks: [], list });
        break;
      }
      case 'list_item_open': {
        const item: Block[] = [];
        top().list?.items.push(item);
        stack.push({ blocks: item });
        break;
      }
      case 'blockquote_close':
      case 'bullet_list_close':
      case 'ordered_list_close':
      case 'list_item_close':
        if (stack.length > 1) stack.pop();
        break;
      default:
        // paragraph_open/close: the inline token inside carries the content.
        break;
    }
  }
  return root;
}
