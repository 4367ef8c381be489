import { describe, expect, it } from 'vitest';
import type { SiteInput, VlanInput, ZoneInput } from '../api/sites';
import { validateSite, validateVlan, validateZone } from './validate';

const site = (over: Partial<SiteInput> = {}): SiteInput => ({ name: 'Plant', code: '', description: '', location: '', latitude: null, longitude: null, timezone: '', status: 'active', contact: '', ...over });
const zone = (over: Partial<ZoneInput> = {}): ZoneInput => ({ name: 'Cell', site_id: 's', purdue_level: '1', description: '', security_level: null, ...over });
const vlan = (over: Partial<VlanInput> = {}): VlanInput => ({ number: 10, name: '', zone_id: null, cidr: null, gateway: null, ...over });

describe('validateSite', () => {
  it('accepts a name with both coordinates or neither', () => {
    expect(validateSite(site())).toEqual({});
    expect(validateSite(site({ latitude: 51.9, longitude: -4.5 }))).toEqual({});
  });
  it('wants a name of at most 200 characters and a code of at most 32', () => {
    expect(validateSite(site({ name: '  ' }))).toEqual({ name: 'Enter a name.' });
    expect(validateSite(site({ name: 'n'.repeat(201), code: 'c'.repeat(33) }))).toEqual({ name: 'At most 200 characters.', code: 'At most 32 characters.' });
  });
  it('wants both coordinates, each in range', () => {
    expect(validateSite(site({ longitude: 4.5 }))).toEqual({ latitude: 'Enter the latitude too, or neither.' });
    expect(validateSite(site({ latitude: 91 }))).toEqual({ latitude: 'Between −90 and 90.', longitude: 'Enter the longitude too, or neither.' });
    expect(validateSite(site({ latitude: NaN }))).toEqual({ latitude: 'Between −90 and 90.', longitude: 'Enter the longitude too, or neither.' });
    expect(validateSite(site({ latitude: 0, longitude: -181 }))).toEqual({ longitude: 'Between −180 and 180.' });
  });
});

describe('validateZone', () => {
  it('wants a name and a security level from 0 to 4', () => {
    expect(validateZone(zone())).toEqual({});
    expect(validateZone(zone({ name: ' ', security_level: 5 }))).toEqual({ name: 'Enter a name.', security_level: 'Between 0 and 4.' });
  });
  it('flags a security level that is not a number (the old check let NaN through)', () => {
    expect(validateZone(zone({ security_level: NaN }))).toEqual({ security_level: 'Between 0 and 4.' });
  });
});

describe('validateVlan', () => {
  it('wants a number from 1 to 4094 and a network for a gateway', () => {
    expect(validateVlan(vlan({ cidr: '10.0.1.0/24', gateway: '10.0.1.1' }))).toEqual({});
    for (const number of [0, 4095, 1.5, NaN]) expect(validateVlan(vlan({ number }))).toEqual({ number: 'A VLAN number is 1–4094.' });
    expect(validateVlan(vlan({ gateway: '10.0.1.1' }))).toEqual({ gateway: 'A gateway needs a network (CIDR).' });
    expect(validateVlan(vlan({ number: NaN, gateway: '10.0.1.1' }))).toEqual({ number: 'A VLAN number is 1–4094.', gateway: 'A gateway needs a network (CIDR).' });
    expect(validateVlan(vlan({ cidr: '10.0.1.0' }))).toEqual({ cidr: 'Write the network with its prefix length, e.g. 10.0.1.0/24.' });
  });
});
