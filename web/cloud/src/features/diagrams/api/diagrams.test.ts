import { describe, expect, it } from 'vitest';
import { validateNewDiagram } from './diagrams';

describe('validateNewDiagram', () => {
  it('wants a name and a site', () => {
    expect(validateNewDiagram({ name: 'Plant network', site_id: 's1' })).toEqual({});
    expect(validateNewDiagram({ name: '', site_id: '' })).toEqual({ name: 'Enter a name.', site_id: 'Choose a site.' });
  });
});
