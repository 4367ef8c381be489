import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { PermissionGrid } from './PermissionGrid';
import { checkedKeys, groupByArea, offeredKeys, type CataloguePermission } from './permission-model';

afterEach(cleanup);

const catalogue: CataloguePermission[] = [
  { key: 'assets.read', area: 'CMDB' },
  { key: 'assets.create', area: 'CMDB' },
  { key: 'devices.read', area: 'Edge' },
  { key: 'settings.edge_registration_keys.manage', area: 'Edge' },
  { key: 'backup.read', area: 'Backup', feature: 'backup' },
  { key: 'settings.users.read', area: 'Settings' },
];

const own = ['assets.read', 'assets.create', 'devices.read', 'settings.edge_registration_keys.manage', 'settings.users.read'];

describe('permission model', () => {
  it('groups keys by their catalogue area in catalogue order, unknown keys last', () => {
    expect(groupByArea(['settings.edge_registration_keys.manage'], catalogue)).toEqual([{ area: 'Edge', keys: ['settings.edge_registration_keys.manage'] }]);
    expect(groupByArea(['assets.read'], [])).toEqual([{ area: 'Other', keys: ['assets.read'] }]);
    expect(groupByArea(['settings.users.read', 'assets.read', 'devices.read', 'x.y', '*'], catalogue)).toEqual([
      { area: 'CMDB', keys: ['assets.read'] },
      { area: 'Edge', keys: ['devices.read'] },
      { area: 'Settings', keys: ['settings.users.read'] },
      { area: 'Other', keys: ['x.y'] },
    ]);
  });
  it('offers the own keys plus keys the group has, and expands wildcards into checks', () => {
    expect(offeredKeys(own, ['backup.read', 'assets.*'])).toEqual([...own, 'backup.read']);
    expect(checkedKeys(['assets.*'], own)).toEqual(['assets.read', 'assets.create']);
    expect(checkedKeys(['*'], own)).toEqual(own);
  });
});

function Harness({ initial, grantable = () => true }: { initial: string[]; grantable?: (k: string) => boolean }) {
  const [value, setValue] = useState(initial);
  const offered = offeredKeys(own, initial);
  return (
    <>
      <PermissionGrid offered={offered} catalogue={catalogue} value={value} onChange={setValue} grantable={grantable} />
      <output data-testid="value">{value.join(',')}</output>
    </>
  );
}

describe('PermissionGrid', () => {
  it('checks one key and keeps catalogue order', () => {
    render(<Harness initial={['assets.create']} />);
    fireEvent.click(screen.getByLabelText('assets.read'));
    expect(screen.getByTestId('value').textContent).toBe('assets.read,assets.create');
  });

  it('switches a whole area and shows a mixed area box', () => {
    render(<Harness initial={['assets.read']} />);
    const cmdb = screen.getByLabelText('CMDB') as HTMLInputElement;
    expect(cmdb.indeterminate).toBe(true);
    expect(cmdb.getAttribute('aria-checked')).toBe('mixed');
    fireEvent.click(cmdb);
    expect(screen.getByTestId('value').textContent).toBe('assets.read,assets.create');
    fireEvent.click(screen.getByLabelText('CMDB'));
    expect(screen.getByTestId('value').textContent).toBe('');
  });

  it('lets a key the caller does not hold be removed but not added', () => {
    const grantable = (k: string) => k !== 'backup.read' && k !== 'devices.read';
    render(<Harness initial={['backup.read']} grantable={grantable} />);
    const backup = screen.getByLabelText('backup.read') as HTMLInputElement;
    expect(backup.disabled).toBe(false);
    expect((screen.getByLabelText('devices.read') as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(backup);
    expect(screen.getByTestId('value').textContent).toBe('');
    expect(backup.disabled).toBe(true);
  });

  it('leaves keys the caller may not grant alone when switching an area on', () => {
    const grantable = (k: string) => k !== 'devices.read';
    render(<Harness initial={[]} grantable={grantable} />);
    fireEvent.click(screen.getByLabelText('Edge'));
    expect(screen.getByTestId('value').textContent).toBe('settings.edge_registration_keys.manage');
  });
});
