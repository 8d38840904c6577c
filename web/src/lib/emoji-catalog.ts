// The full picker's catalogue from emojibase-data (the English compact set): how its entries are grouped
// and searched. Fetching it is emoji-catalog-loader.ts (browser only).
export interface EmojiEntry {
  unicode: string;
  label: string;
  /** Lower-case label and tags, what the search box matches. */
  words: string;
}
export interface EmojiGroup {
  name: string;
  emoji: EmojiEntry[];
}

export interface CompactEmoji {
  unicode: string;
  label: string;
  group?: number;
  order?: number;
  tags?: string[];
}

const GROUP_NAMES = ['Smileys', 'People', 'Components', 'Nature', 'Food', 'Travel', 'Activities', 'Objects', 'Symbols', 'Flags'];
const COMPONENT_GROUP = 2; // skin tones and hair parts: not emoji anyone reacts with alone

/** Groups in emojibase's order, each sorted by its `order`; components and ungrouped entries left out. */
export function groupCatalog(data: CompactEmoji[]): EmojiGroup[] {
  const groups = new Map<number, CompactEmoji[]>();
  for (const e of data) {
    if (e.group === undefined || e.group === COMPONENT_GROUP) continue;
    const g = groups.get(e.group) ?? [];
    g.push(e);
    groups.set(e.group, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([g, list]) => ({
      name: GROUP_NAMES[g] ?? `Group ${g}`,
      emoji: list
        .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
        .map((e) => ({ unicode: e.unicode, label: e.label, words: [e.label, ...(e.tags ?? [])].join(' ').toLowerCase() })),
    }));
}

/** Entries whose label or a tag contains every word of the query. */
export function searchCatalog(groups: EmojiGroup[], query: string, limit = 80): EmojiEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const out: EmojiEntry[] = [];
  for (const g of groups) {
    for (const e of g.emoji) {
      if (words.every((w) => e.words.includes(w))) out.push(e);
      if (out.length >= limit) return out;
    }
  }
  return out;
}
