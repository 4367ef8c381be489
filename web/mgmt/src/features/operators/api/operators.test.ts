import { describe, expect, it } from 'vitest';
import { validateNewOperator } from './operators';

describe('validateNewOperator', () => {
  it('accepts a complete operator', () => {
    expect(validateNewOperator({ email: 'a@b.example', name: 'A', role: 'support', password: 'x'.repeat(12) })).toEqual({});
  });
  it('flags each missing or weak field', () => {
    expect(Object.keys(validateNewOperator({ email: 'nope', name: ' ', role: 'support', password: 'short' })).sort()).toEqual([
      'email',
      'name',
      'password',
    ]);
  });
  it('says what each field needs', () => {
    expect(validateNewOperator({ email: ' a@b ', name: '', role: 'owner' as 'admin', password: 'ééééééééééé' })).toEqual({
      email: 'Enter a valid e-mail address.',
      name: 'Enter a name.',
      role: 'Choose a role.',
      password: 'Use at least 12 characters.',
    });
    expect(validateNewOperator({ email: ' a@b.example ', name: 'A', role: 'admin', password: '🔑'.repeat(12) })).toEqual({});
  });
});
