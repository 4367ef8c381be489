import { tenantKey, type Narrow } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { idempotent, pagedQuery } from '../../../lib/paged';
import type { Schema } from '../../../lib/types';

export const ROLES = ['sensor', 'vpn_gateway', 'backup_collector'] as const;

/** The newest sample (the API documents it as raw JSON). */
export interface LatestTelemetry {
  cpu_percent?: number;
  memory_percent?: number;
  disk_percent?: number;
  uptime_s?: number;
}

export type Device = Narrow<Schema<'Device'>, { latest_telemetry: LatestTelemetry | null }>;
export type DeviceStatus = Device['status'];

export interface DeviceFilters {
  site_id?: string;
  status?: string;
  q?: string;
}

export type TelemetryBucket = Schema<'TelemetryBucket'>;

export type TelemetryHistory = Schema<'TelemetryHistory'>;

export type DeviceLog = Schema<'DeviceLog'>;


export type Command = Schema<'Command'>;
export type CommandStatus = Command['status'];

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

export type DevicePatch = Omit<Schema<'DevicePatch'>, 'version'>;

export const updateDevice = (id: string, version: number, b: DevicePatch) => api.patch<Device>('/devices/' + id, { ...b, version } satisfies Schema<'DevicePatch'>);
export const deregisterDevice = (id: string) => api.delete('/devices/' + id);
export const issueCommand = (id: string, b: Schema<'NewCommand'>) => api.post<Command>('/devices/' + id + '/commands', b, idempotent());
export const cancelCommand = (id: string, commandId: string) => api.post<Command>('/devices/' + id + '/commands/' + commandId + '/cancel');
