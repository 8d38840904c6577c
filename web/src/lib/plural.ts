// Counted words in the UI's language (English): "1 member", "2 members", chosen by Intl.PluralRules
// rather than `n === 1`, so a translation later needs only new forms, not new logic.
const rules = new Intl.PluralRules('en');
const numbers = new Intl.NumberFormat('en');

/** `count(3, 'member', 'members')` → "3 members". */
export function count(n: number, one: string, other: string): string {
  return `${numbers.format(n)} ${rules.select(n) === 'one' ? one : other}`;
}

const unit = (u: 'second' | 'minute' | 'hour', n: number) =>
  new Intl.NumberFormat('en', { style: 'unit', unit: u, unitDisplay: 'long' }).format(n);

/**
 * How long to wait, as a person would say it: "40 seconds", "about 15 minutes", "about 2 hours".
 * Rounded up: saying less than the real wait would send people back too early.
 */
export function waitLabel(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return unit('second', s);
  if (s < 90 * 60) return `about ${unit('minute', Math.ceil(s / 60))}`;
  return `about ${unit('hour', Math.ceil(s / 3600))}`;
}
