import { create } from 'zustand';

/** What the user chose; `system` follows the operating system's setting. */
export type ThemeChoice = 'light' | 'dark' | 'system';
/** The theme actually shown. */
export type Theme = 'light' | 'dark';

// Read by public/theme.js before first paint, so the stored value stays a plain word.
const KEY = 'monozu.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  if (choice === 'system') return systemDark ? 'dark' : 'light';
  return choice;
}

function savedChoice(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

interface ThemeState {
  choice: ThemeChoice;
  systemDark: boolean;
  setChoice: (choice: ThemeChoice) => void;
}

const inBrowser = typeof window !== 'undefined';

/**
 * The one theme store of an app: every toggle and the profile page share it. The choice (not a
 * secret) is remembered in localStorage; `system` removes the entry.
 */
export const themeStore = create<ThemeState>()((set) => ({
  choice: inBrowser ? savedChoice() : 'system',
  systemDark: inBrowser && window.matchMedia?.(DARK_QUERY).matches === true,
  setChoice: (choice) => set({ choice }),
}));

function apply({ choice, systemDark }: ThemeState) {
  document.documentElement.classList.toggle('dark', resolveTheme(choice, systemDark) === 'dark');
  try {
    if (choice === 'system') window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, choice);
  } catch {
    // storage unavailable (private mode): the choice lasts for this page only
  }
}

if (inBrowser) {
  apply(themeStore.getState());
  themeStore.subscribe(apply);
  window.matchMedia?.(DARK_QUERY).addEventListener?.('change', (e) => themeStore.setState({ systemDark: e.matches }));
}

/** The shown theme, the user's choice, and setters; `toggle` flips what is shown. */
export function useTheme(): { theme: Theme; choice: ThemeChoice; setChoice: (c: ThemeChoice) => void; toggle: () => Theme } {
  const choice = themeStore((s) => s.choice);
  const systemDark = themeStore((s) => s.systemDark);
  const setChoice = themeStore((s) => s.setChoice);
  const theme = resolveTheme(choice, systemDark);
  const toggle = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    setChoice(next);
    return next;
  };
  return { theme, choice, setChoice, toggle };
}
