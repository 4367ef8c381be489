import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ThemeToggle } from '../components/theme-toggle';
import { resolveTheme, themeStore } from './theme';

describe('theme store', () => {
  afterEach(() => {
    cleanup();
    act(() => themeStore.setState({ choice: 'system', systemDark: false }));
  });

  it('resolves system from the operating system setting', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('applies the choice to <html> and remembers it, system removing the entry', () => {
    act(() => themeStore.getState().setChoice('dark'));
    expect(document.documentElement.classList.contains('dark')).toBe(true);
    expect(localStorage.getItem('monozu.theme')).toBe('dark');
    act(() => themeStore.getState().setChoice('system'));
    expect(document.documentElement.classList.contains('dark')).toBe(false);
    expect(localStorage.getItem('monozu.theme')).toBeNull();
  });

  it('keeps every toggle in step and reports the new theme', () => {
    const seen: string[] = [];
    render(
      <>
        <ThemeToggle onChange={(t) => seen.push(t)} />
        <ThemeToggle />
      </>,
    );
    fireEvent.click(screen.getAllByRole('button', { name: 'Switch to dark theme' })[0]!);
    expect(screen.getAllByRole('button', { name: 'Switch to light theme' })).toHaveLength(2);
    expect(seen).toEqual(['dark']);
  });
});
