/** The command types and the fields each one's form asks for. */
export const COMMAND_TYPES = {
  run_discovery: { label: 'Run discovery', fields: ['subnet', 'ports', 'rate_pps'] },
  ping: { label: 'Ping', fields: ['target'] },
  port_check: { label: 'Port check', fields: ['target', 'ports'] },
  restart_service: { label: 'Restart service', fields: ['service'] },
  update_agent: { label: 'Update agent', fields: ['version'] },
  config_update: { label: 'Update configuration', fields: ['settings'] },
} as const;

export type CommandType = keyof typeof COMMAND_TYPES;
export type CommandField = 'subnet' | 'ports' | 'rate_pps' | 'target' | 'service' | 'version' | 'settings';
export type CommandValues = Record<CommandField, string>;

export const emptyCommandValues = (): CommandValues => ({ subnet: '', ports: '', rate_pps: '', target: '', service: '', version: '', settings: '' });

function ports(s: string): number[] | string {
  const parts = s.split(/[\s,]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) return 'Ports are numbers from 1 to 65535, separated by commas.';
    out.push(n);
  }
  return out;
}

/**
 * The payload of a command form, or messages keyed `payload.<field>` (the API's names for
 * payload errors) that keep it from being sent. The server checks the rest (subnet size, names).
 */
export function toPayload(type: CommandType, v: CommandValues): { payload: Record<string, unknown> } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const payload: Record<string, unknown> = {};
  const required = (f: CommandField, label: string) => {
    const s = v[f].trim();
    if (!s) errors['payload.' + f] = 'Enter ' + label + '.';
    else payload[f] = s;
  };
  switch (type) {
    case 'run_discovery': {
      required('subnet', 'a subnet such as 10.0.10.0/24');
      if (v.ports.trim()) {
        const p = ports(v.ports);
        if (typeof p === 'string') errors['payload.ports'] = p;
        else payload.ports = p;
      }
      if (v.rate_pps.trim()) {
        const n = Number(v.rate_pps);
        if (!Number.isInteger(n) || n < 1 || n > 10000) errors['payload.rate_pps'] = 'A whole number from 1 to 10000.';
        else payload.rate_pps = n;
      }
      break;
    }
    case 'ping':
      required('target', 'an IP address or host name');
      break;
    case 'port_check': {
      required('target', 'an IP address or host name');
      const p = ports(v.ports);
      if (typeof p === 'string') errors['payload.ports'] = p;
      else if (p.length === 0) errors['payload.ports'] = 'Enter at least one port.';
      else payload.ports = p;
      break;
    }
    case 'restart_service':
      required('service', 'a service name');
      break;
    case 'update_agent':
      required('version', 'a version such as 1.4.2');
      break;
    case 'config_update': {
      let settings: unknown;
      try {
        settings = JSON.parse(v.settings || '{}');
      } catch {
        errors['payload.settings'] = 'Settings are a JSON object.';
        break;
      }
      if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) errors['payload.settings'] = 'Settings are a JSON object.';
      else if (Object.keys(settings).length === 0) errors['payload.settings'] = 'Enter at least one setting.';
      else payload.settings = settings;
      break;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { payload };
}

/** One line per fact of a command's result: a discovery summary, ping output, or any JSON object. */
export function resultLines(result: unknown): string[] {
  if (result === null || result === undefined) return [];
  if (typeof result !== 'object') return [String(result)];
  if (Array.isArray(result)) return [String(result.length) + ' items'];
  return Object.entries(result as Record<string, unknown>).map(([k, v]) => {
    const label = k.replace(/_/g, ' ');
    if (Array.isArray(v)) return label + ': ' + (v.every((x) => typeof x !== 'object') ? v.join(', ') : String(v.length) + ' items');
    if (v !== null && typeof v === 'object') return label + ': ' + JSON.stringify(v);
    return label + ': ' + String(v);
  });
}
