import { useTheme } from '../lib/theme';
import { Button } from './button';

/** Switches light/dark; the label says what pressing it does. */
export function ThemeToggle() {
  const { theme, toggle } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <Button variant="ghost" size="icon" onClick={toggle} aria-label={'Switch to ' + next + ' theme'} title={'Switch to ' + next + ' theme'}>
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
    </Button>
  );
}
