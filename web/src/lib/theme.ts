// The colour theme: follow the system (the default), or always light, or always dark. The choice is
// kept in localStorage (it is a preference of this browser, not of the account) and applied as
// <html data-theme>; styles.css reads it, and falls back to prefers-color-scheme for "system".
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_KEY = 'converge.theme';
export const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** A stored value read back; anything unknown (or storage that throws) is "system". */
export function parseTheme(value: string | null | undefined): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}
