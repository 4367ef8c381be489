import { parseFields } from '@monozu/api';
import * as z from 'zod/mini';
import { unlessBlank, wholeNumber } from '../../../lib/validation';

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

/** Text that must not be blank: "Enter <what>." otherwise; sent trimmed. */
const required = (what: string) => z.string().check(z.trim(), z.minLength(1, 'Enter ' + what + '.'));

/** "502, 102" or "80 443" → the ports, each a number from 1 to 65535. */
const ports = z.pipe(
  z.string(),
  z.transform((s) => s.split(/[\s,]+/).filter(Boolean).map(Number)),
).check(z.refine((ps) => ps.every((n) => Number.isInteger(n) && n >= 1 && n <= 65535), 'Ports are numbers from 1 to 65535, separated by commas.'));

const NOT_AN_OBJECT = 'Settings are a JSON object.';

/** JSON text of an object with at least one setting (blank reads as {}). */
const settings = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s, ctx): unknown => {
      try {
        return JSON.parse(s || '{}');
      } catch {
        ctx.issues.push({ code: 'custom', message: NOT_AN_OBJECT, input: s });
        return z.NEVER;
      }
    }),
  ),
  z.record(z.string(), z.unknown(), { error: NOT_AN_OBJECT }).check(z.refine((o) => Object.keys(o).length > 0, 'Enter at least one setting.')),
);

const target = required('an IP address or host name');

/** Each command type's form values → its payload (fields left blank that may be are left out). */
const PAYLOADS = {
  run_discovery: z.object({ subnet: required('a subnet such as 10.0.10.0/24'), ports: unlessBlank(ports), rate_pps: unlessBlank(wholeNumber(1, 10000, 'A whole number from 1 to 10000.')) }),
  ping: z.object({ target }),
  port_check: z.object({ target, ports: ports.check(z.minLength(1, 'Enter at least one port.')) }),
  restart_service: z.object({ service: required('a service name') }),
  update_agent: z.object({ version: required('a version such as 1.4.2') }),
  config_update: z.object({ settings }),
} satisfies Record<CommandType, z.ZodMiniType<Partial<Record<CommandField, unknown>>, Partial<CommandValues>>>;

/**
 * The payload of a command form, or messages keyed `payload.<field>` (the API's names for
 * payload errors) that keep it from being sent. The server checks the rest (subnet size, names).
 */
export function toPayload(type: CommandType, v: CommandValues): { payload: Record<string, unknown> } | { errors: Record<string, string> } {
  const r = parseFields(z.object({ payload: PAYLOADS[type] }), { payload: v });
  return r.ok ? { payload: r.data.payload } : { errors: r.errors };
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
