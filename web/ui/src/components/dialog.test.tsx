import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmDialog } from './dialog';

const dialog = (error?: string) => (
  <ConfirmDialog open onOpenChange={() => undefined} title="Delete the group Operators?" description="Its members lose the permissions it grants." error={error} onConfirm={() => undefined} />
);

describe('ConfirmDialog', () => {
  afterEach(cleanup);

  it('explains the action until it fails', () => {
    render(dialog());
    const box = screen.getByRole('alertdialog', { name: 'Delete the group Operators?' });
    expect(box.textContent).toContain('Its members lose the permissions it grants.');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('announces why the action failed in place of the explanation', () => {
    render(dialog('The group has members.'));
    expect(screen.getByRole('alert').textContent).toBe('The group has members.');
    expect(screen.getByRole('alertdialog').textContent).not.toContain('Its members lose the permissions it grants.');
  });
});
