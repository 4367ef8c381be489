import { checkFields } from '@monozu/api';
import { describe, expect, it } from 'vitest';
import { forgotPasswordSchema, invitationSchema, registrationSchema } from './forms';

const pw = 'long-enough-pw';

describe('registrationSchema', () => {
  const reg = { organization_name: 'ACME', account_name: 'acme', display_name: 'Ann', email: 'ann@acme.example', password: pw, confirm: pw };
  it('accepts a complete registration', () => {
    expect(checkFields(registrationSchema, reg)).toEqual({});
  });
  it('flags each field with the same message as before', () => {
    expect(checkFields(registrationSchema, { ...reg, organization_name: '', account_name: 'A', email: 'ann', password: 'short', confirm: 'other' })).toEqual({
      organization_name: 'Enter the name of your organisation.',
      account_name: '3–63 lower-case letters, digits and hyphens.',
      email: 'Enter your work e-mail address.',
      password: 'At least 12 characters.',
      confirm: 'The two passwords differ.',
    });
  });
});

describe('invitationSchema', () => {
  it('wants a name and the same new password twice', () => {
    expect(checkFields(invitationSchema, { display_name: 'Ann', password: pw, confirm: pw })).toEqual({});
    expect(checkFields(invitationSchema, { display_name: ' ', password: pw, confirm: '' })).toEqual({ display_name: 'Enter your name.', confirm: 'The two passwords differ.' });
  });
});

describe('forgotPasswordSchema', () => {
  it('wants an address', () => {
    expect(checkFields(forgotPasswordSchema, { email: 'ann@acme.example' })).toEqual({});
    expect(checkFields(forgotPasswordSchema, { email: 'ann' })).toEqual({ email: 'Enter your e-mail address.' });
  });
});
