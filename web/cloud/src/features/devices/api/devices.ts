import { tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { idempotent, pagedQuery } from '../../../lib/paged';

export type DeviceStatus = 'online' | 'offline' | 'never_seen' | 'deregistered';
export const ROLES = ['sensor', 'vpn_gateway', 'backup_collector'] as const;

export interface LatestTelemetry {
  cpu_percent?: number;
  memory_percent?: number;
  disk_percent?: number;
  uptime_s?: number;
}

export interface Device {
  id: string;
  name: string;
  site_id: string | null;
  site_name: string | null;
  location: string;
  type: string;
  hostname: string;
  status: DeviceStatus;
  last_seen_at: string | null;
  last_seen_ip: string | null;
  agent_version: string;
  os: string;
  arch: string;
  ip_addresses: string[];
  capabilities: string[];
  roles: string[];
  key_prefix: string;
  poll_interval_s: number;
  upload_interval_s: number;
  latest_telemetry: LatestTelemetry | null;
  latest_telemetry_at: string | null;
  registered_at: string;
  deregistered_at: string | null;
  version: number;
}

export interface DeviceFilters {
  site_id?: string;
  status?: string;
  q?: string;
}

export interface TelemetryBucket {
  start: string;
  samples: number;
  cpu_avg: number | null;
  cpu_max: number | null;
  memory_avg: number | null;
  memory_max: number | null;
  disk_avg: number | null;
  disk_max: number | null;
  uptime_s: number | null;
}

export interface TelemetryHistory {
  from: string;
  to: string;
  bucket: string;
  buckets: TelemetryBucket[];
}

export interface DeviceLog {
  id: string;
  ts: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  source: string;
}

export type CommandStatus = 'pending' | 'delivered' | 'completed' | 'failed' | 'rejected' | 'expired' | 'cancelled';

export interface Command {
  id: string;
  device_id: string;
  type: string;
  payload: unknown;
  status: CommandStatus;
  issued_at: string;
  expires_at: string;
  delivered_at: string | null;
  delivery_count: number;
  finished_at: string | null;
  result: unknown;
  error: string;
}

/** The device list and status badges refresh this often, so online/offline follows the fleet. */
export const STATUS_REFRESH_MS = 10_000;

export const devicesKey = (t: string | null) => tenantKey(t, 'devices');
export const devicesQuery = (t: string | null, f: DeviceFilters) => ({
  ...pagedQuery<Device>(tenantKey(t, 'devices', 'list', f), '/devices', { ...f }),
  refetchInterval: STATUS_REFRESH_MS,
});
export const deviceQuery = (t: string | null, id: string) =>
  queryOptions({ queryKey: tenantKey(t, 'devices', 'detail', id), queryFn: ({ signal }) => api.get<Device>('/devices/' + id, undefined, signal), refetchInterval: STATUS_REFRESH_MS });
export const telemetryQuery = (t: string | null, id: string, from: string, to: string) =>
  queryOptions({
    queryKey: tenantKey(t, 'devices', 'telemetry', id, from, to),
    queryFn: ({ signal }) => api.get<TelemetryHistory>('/devices/' + id + '/telemetry', { from, to }, signal),
  });
export const logsQuery = (t: string | null, id: string, level: string) =>
  pagedQuery<DeviceLog>(tenantKey(t, 'devices', 'logs', id, level), '/devices/' + id + '/logs', level ? { level } : {});
export const commandsQuery = (t: string | null, id: string) => ({
  ...pagedQuery<Command>(tenantKey(t, 'devices', 'commands', id), '/devices/' + id + '/commands'),
  refetchInterval: STATUS_REFRESH_MS,
});

export interface DevicePatch {
  name?: string;
  site_id?: string | null;
  location?: string;
  roles?: string[];
}

export const updateDevice = (id: string, version: number, b: DevicePatch) => api.patch<Device>('/devices/' + id, { ...b, version });
export const deregisterDevice = (id: string) => api.delete('/devices/' + id);
export const issueCommand = (id: string, b: { type: string; payload: unknown; expires_in_s?: number }) => api.post<Command>('/devices/' + id + '/commands', b, idempotent());
export const cancelCommand = (id: string, commandId: string) => api.post<Command>('/devices/' + id + '/commands/' + commandId + '/cancel');
