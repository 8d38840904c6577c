// The theme choice (system / light / dark): read once from this browser's storage, written back on
// every change, and handed to `apply` (the page's <html data-theme>) at start and on every change.
import { createSignal } from 'solid-js';
import { THEME_KEY, type ThemeChoice, parseTheme } from '../lib/theme';
import type { DraftStorage } from '../lib/drafts';

export interface ThemeDeps {
  storage: () => DraftStorage | null;
  apply: (choice: ThemeChoice) => void;
}

export function createThemeStore({ storage, apply }: ThemeDeps) {
  const read = (): ThemeChoice => {
    try {
      return parseTheme(storage()?.getItem(THEME_KEY));
    } catch {
      return 'system';
    }
  };
  const [choice, setChoice] = createSignal<ThemeChoice>(read());
  apply(choice());
  return {
    choice,
    set(next: ThemeChoice): void {
      setChoice(next);
      try {
        // "system" is the default: nothing to remember.
        if (next === 'system') storage()?.removeItem(THEME_KEY);
        else storage()?.setItem(THEME_KEY, next);
      } catch {
        // Storage disabled: the choice lasts until the tab is reloaded.
      }
      apply(next);
    },
  };
}

export type ThemeStore = ReturnType<typeof createThemeStore>;
