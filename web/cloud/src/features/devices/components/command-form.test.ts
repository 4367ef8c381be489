import { describe, expect, it } from 'vitest';
import { emptyCommandValues, resultLines, toPayload } from './command-form';

describe('toPayload', () => {
  it('builds each type of payload with only the fields set', () => {
    expect(toPayload('run_discovery', { ...emptyCommandValues(), subnet: ' 10.0.10.0/24 ', ports: '502, 102' })).toEqual({ payload: { subnet: '10.0.10.0/24', ports: [502, 102] } });
    expect(toPayload('port_check', { ...emptyCommandValues(), target: 'plc1', ports: '80 443' })).toEqual({ payload: { target: 'plc1', ports: [80, 443] } });
    expect(toPayload('config_update', { ...emptyCommandValues(), settings: '{"log_level":"debug"}' })).toEqual({ payload: { settings: { log_level: 'debug' } } });
  });
  it('names bad fields as the API does, payload.<field>', () => {
    expect(toPayload('run_discovery', { ...emptyCommandValues(), ports: '70000', rate_pps: '0' })).toEqual({
      errors: { 'payload.subnet': 'Enter a subnet such as 10.0.10.0/24.', 'payload.ports': 'Ports are numbers from 1 to 65535, separated by commas.', 'payload.rate_pps': 'A whole number from 1 to 10000.' },
    });
    expect(toPayload('port_check', { ...emptyCommandValues(), target: 'x' })).toEqual({ errors: { 'payload.ports': 'Enter at least one port.' } });
    expect(toPayload('config_update', { ...emptyCommandValues(), settings: '[]' })).toEqual({ errors: { 'payload.settings': 'Settings are a JSON object.' } });
    expect(toPayload('config_update', emptyCommandValues())).toEqual({ errors: { 'payload.settings': 'Enter at least one setting.' } });
    expect(toPayload('config_update', { ...emptyCommandValues(), settings: '{"log_level":' })).toEqual({ errors: { 'payload.settings': 'Settings are a JSON object.' } });
    expect(toPayload('run_discovery', { ...emptyCommandValues(), subnet: '10.0.0.0/24', ports: '80, x', rate_pps: 'fast' })).toEqual({
      errors: { 'payload.ports': 'Ports are numbers from 1 to 65535, separated by commas.', 'payload.rate_pps': 'A whole number from 1 to 10000.' },
    });
    expect(toPayload('update_agent', { ...emptyCommandValues(), version: '  ' })).toEqual({ errors: { 'payload.version': 'Enter a version such as 1.4.2.' } });
  });
});

describe('resultLines', () => {
  it('reads a discovery summary as lines', () => {
    expect(resultLines({ hosts_found: 12, new_assets: 3, open_ports: [502, 102], hosts: [{ ip: '10.0.0.1' }] })).toEqual(['hosts found: 12', 'new assets: 3', 'open ports: 502, 102', 'hosts: 1 items']);
    expect(resultLines(null)).toEqual([]);
    expect(resultLines('pong')).toEqual(['pong']);
  });
});
