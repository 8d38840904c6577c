// Avatar backgrounds: a fixed palette, each colour dark enough for white initials at WCAG AA
// (contrast ≥ 4.5:1, checked by the unit test), picked by a hash of the user's (or room's) id so a
// person has one colour everywhere and on every device.
export const AVATAR_PALETTE = [
  '#b42318', // red
  '#c11574', // pink
  '#9e2fb8', // purple
  '#6941c6', // violet
  '#4338ca', // indigo
  '#175cd3', // blue
  '#026aa2', // sky
  '#0e7090', // cyan
  '#107569', // teal
  '#067647', // green
  '#4f7a21', // lime
  '#b54708', // orange
  '#93370d', // brown
  '#475467', // grey
] as const;

/** FNV-1a (32-bit) of the id: cheap, and spreads similar ids (UUIDs) across the palette. */
function fnv1a(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function avatarColor(id: string): string {
  return AVATAR_PALETTE[fnv1a(id) % AVATAR_PALETTE.length]!;
}
