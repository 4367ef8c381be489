import { describe, expect, it } from 'vitest';
import { validateVendor, type VendorInput } from './vendors';

const vendor = (over: Partial<VendorInput> = {}): VendorInput => ({ name: 'Siemens', website: '', advisory_url: '', cpe_vendor: '', support_contact: '', ...over });

describe('validateVendor', () => {
  it('accepts a name alone, or with addresses and a CPE vendor', () => {
    expect(validateVendor(vendor())).toEqual({});
    expect(validateVendor(vendor({ website: 'https://siemens.com', advisory_url: 'http://cert.siemens.com/x', cpe_vendor: 'siemens' }))).toEqual({});
  });

  it('flags a missing name, addresses that are not http(s) and a CPE vendor with capitals or wildcards', () => {
    expect(validateVendor(vendor({ name: '', website: 'siemens.com', advisory_url: 'ftp://x', cpe_vendor: 'Sie*' }))).toEqual({
      name: 'Enter a name.',
      website: 'An http:// or https:// address.',
      advisory_url: 'An http:// or https:// address.',
      cpe_vendor: 'Lower case, no spaces or wildcards (e.g. siemens).',
    });
  });
});
