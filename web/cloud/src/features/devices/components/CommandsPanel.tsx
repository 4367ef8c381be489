import { errorMessage } from '@monozu/api';
import { Badge, Button, Card, CardContent, CardHeader, CardTitle, DataTable, FormField, Input, LoadMore, Select, TableCell, TableRow, Textarea } from '@monozu/ui';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useCan } from '../../../hooks/useCan';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { pageItems } from '../../../lib/paged';
import { cancelCommand, commandsQuery, devicesKey, issueCommand, type Command, type CommandStatus } from '../api/devices';
import { COMMAND_TYPES, emptyCommandValues, resultLines, toPayload, type CommandField, type CommandType } from './command-form';

const STATUS_VARIANT: Record<CommandStatus, 'success' | 'destructive' | 'outline' | 'secondary' | 'warning'> = {
  pending: 'outline', delivered: 'secondary', completed: 'success', failed: 'destructive', rejected: 'destructive', expired: 'warning', cancelled: 'outline',
};

const FIELD_LABELS: Record<CommandField, { label: string; hint?: string }> = {
  subnet: { label: 'Subnet', hint: 'At most a /16, e.g. 10.0.10.0/24' },
  ports: { label: 'Ports', hint: 'Comma-separated, e.g. 502, 102' },
  rate_pps: { label: 'Rate (packets per second)', hint: 'Optional, 1–10000' },
  target: { label: 'Target', hint: 'An IP address or host name' },
  service: { label: 'Service', hint: 'e.g. edgezu-collector' },
  version: { label: 'Agent version', hint: 'e.g. 1.4.2' },
  settings: { label: 'Settings (JSON object)' },
};

function IssueCommand({ deviceId }: { deviceId: string }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const [type, setType] = useState<CommandType>('run_discovery');
  const [v, setV] = useState(emptyCommandValues);
  const issue = useMutation({
    mutationFn: (payload: Record<string, unknown>) => issueCommand(deviceId, { type, payload }),
    onSuccess: () => {
      setV(emptyCommandValues());
      void qc.invalidateQueries({ queryKey: devicesKey(t) });
    },
  });
  const { err, check } = useFieldErrors(issue.error);
  const fields = COMMAND_TYPES[type].fields as readonly CommandField[];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toPayload(type, v);
    if (!check('errors' in r ? r.errors : {}) || !('payload' in r)) return;
    issue.mutate(r.payload);
  };
  return (
    <form onSubmit={submit} noValidate className="grid gap-3">
      <FormErrorSummary error={issue.error} shownFields={['type', ...fields.map((f) => 'payload.' + f)]} />
      <FormField label="Command" error={err('type')}>
        <Select value={type} onChange={(e) => { setType(e.target.value as CommandType); issue.reset(); check({}); }}>
          {Object.entries(COMMAND_TYPES).map(([k, c]) => (
            <option key={k} value={k}>
              {c.label}
            </option>
          ))}
        </Select>
      </FormField>
      {fields.map((f) => (
        <FormField key={f} label={FIELD_LABELS[f].label} hint={FIELD_LABELS[f].hint} error={err('payload.' + f) ?? (f === fields[0] ? err('payload') : undefined)}>
          {f === 'settings' ? (
            <Textarea rows={4} className="font-mono" value={v[f]} onChange={(e) => setV((p) => ({ ...p, [f]: e.target.value }))} />
          ) : (
            <Input value={v[f]} onChange={(e) => setV((p) => ({ ...p, [f]: e.target.value }))} />
          )}
        </FormField>
      ))}
      <div>
        <Button type="submit" loading={issue.isPending}>
          Send command
        </Button>
        {issue.isSuccess && <span role="status" className="ml-3 text-sm text-muted-foreground">Sent; the device fetches it at its next poll.</span>}
      </div>
    </form>
  );
}

function CancelButton({ c }: { c: Command }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const cancel = useMutation({ mutationFn: () => cancelCommand(c.device_id, c.id), onSettled: () => void qc.invalidateQueries({ queryKey: devicesKey(t) }) });
  return (
    <>
      <Button size="sm" variant="ghost" loading={cancel.isPending} onClick={() => cancel.mutate()} aria-label={'Cancel command ' + c.type}>
        Cancel
      </Button>
      {cancel.isError && <span role="alert" className="block text-xs text-destructive">{errorMessage(cancel.error)}</span>}
    </>
  );
}

function Outcome({ c }: { c: Command }) {
  const lines = resultLines(c.result);
  return (
    <div className="text-xs">
      {c.error && <p className="text-destructive">{c.error}</p>}
      {lines.length > 0 && (
        <ul>
          {lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
      {!c.error && lines.length === 0 && '—'}
    </div>
  );
}

export function CommandsPanel({ deviceId, live }: { deviceId: string; live: boolean }) {
  const t = useTenantId();
  const can = useCan();
  const list = useInfiniteQuery(commandsQuery(t, deviceId));
  const commands = pageItems(list.data);
  return (
    <div className="grid gap-4">
      {live && can('devices.command') && (
        <Card>
          <CardHeader>
            <CardTitle>Send a command</CardTitle>
          </CardHeader>
          <CardContent>
            <IssueCommand deviceId={deviceId} />
          </CardContent>
        </Card>
      )}
      <div>
        <DataTable caption="Command history" columns={['Issued', 'Command', 'Payload', 'Status', 'Result', { label: 'Actions', srOnly: true }]} query={list} empty={commands.length === 0} emptyMessage="No commands yet.">
          {commands.map((c) => (
            <TableRow key={c.id}>
              <TableCell className="whitespace-nowrap">{formatDateTime(c.issued_at)}</TableCell>
              <TableCell>{COMMAND_TYPES[c.type as CommandType]?.label ?? c.type}</TableCell>
              <TableCell className="max-w-xs break-all font-mono text-xs">{JSON.stringify(c.payload)}</TableCell>
              <TableCell>
                <Badge variant={STATUS_VARIANT[c.status]}>{c.status}</Badge>
                {c.delivery_count > 1 && <div className="text-xs text-muted-foreground">delivered {c.delivery_count}×</div>}
              </TableCell>
              <TableCell>
                <Outcome c={c} />
              </TableCell>
              <TableCell className="text-right">{can('devices.command') && (c.status === 'pending' || c.status === 'delivered') && <CancelButton c={c} />}</TableCell>
            </TableRow>
          ))}
        </DataTable>
        <LoadMore count={commands.length} query={list} />
      </div>
    </div>
  );
}
