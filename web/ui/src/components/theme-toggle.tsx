import { useTheme, type Theme } from '../lib/theme';
import { Button } from './button';

/** Switches light/dark; the label says what pressing it does. `onChange` hears the new theme (e.g. to save it). */
export function ThemeToggle({ onChange }: { onChange?: (theme: Theme) => void }) {
  const { theme, toggle } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <Button variant="ghost" size="icon" onClick={() => onChange?.(toggle())} aria-label={'Switch to ' + next + ' theme'} title={'Switch to ' + next + ' theme'}>
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
    </Button>
  );
}
