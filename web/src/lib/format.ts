// Dates and times as a chat app shows them, in the viewer's locale and time zone.
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortDayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function daysAgo(d: Date): number {
  const a = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const now = new Date();
  const b = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  return Math.round((b - a) / 86_400_000);
}

/** "Today", "Yesterday", a weekday within the week, else a full date: for day separators. */
export function dayLabel(iso: string): string {
  const d = new Date(iso);
  const n = daysAgo(d);
  if (n === 0) return 'Today';
  if (n === 1) return 'Yesterday';
  if (n > 1 && n < 7) return weekdayFmt.format(d);
  return fullDayFmt.format(d);
}

export function timeLabel(iso: string): string {
  return timeFmt.format(new Date(iso));
}

export function fullLabel(iso: string): string {
  return fullFmt.format(new Date(iso));
}

/** The room list's time column: a time today, "Yesterday", else a short date. */
export function listTimeLabel(iso: string): string {
  const d = new Date(iso);
  const n = daysAgo(d);
  if (n === 0) return timeFmt.format(d);
  if (n === 1) return 'Yesterday';
  return shortDayFmt.format(d);
}

export function initials(name: string): string {
  // Letters and digits only, by code point (an emoji or a lone surrogate would make a broken glyph).
  const first = (word: string) => word.match(/[\p{L}\p{N}]/u)?.[0] ?? '';
  const parts = name.trim().split(/[\s._-]+/).map(first).filter(Boolean);
  if (!parts.length) return '#';
  return (parts[0]! + (parts.length > 1 ? parts[parts.length - 1]! : '')).toUpperCase();
}
