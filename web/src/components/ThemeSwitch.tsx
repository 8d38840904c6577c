import { For } from 'solid-js';
import { THEMES, type ThemeChoice } from '../lib/theme';
import { useStore } from '../store';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** System / light / dark as one radio group (remembered in this browser: store/theme.ts). */
export function ThemeSwitch() {
  const { theme } = useStore();
  return (
    <fieldset class="segmented" data-testid="theme-switch">
      <legend class="field__label">Theme</legend>
      <For each={THEMES}>
        {(t) => (
          <label class="segmented__option" classList={{ 'segmented__option--on': theme.choice() === t }}>
            <input type="radio" name="theme" value={t} checked={theme.choice() === t} onChange={() => theme.set(t)} />
            {LABELS[t]}
          </label>
        )}
      </For>
    </fieldset>
  );
}
