import { allOf, errorMessage, tenantKey } from '@monozu/api';
import { Alert, Button, FormField, LoadMore, PageHeader, Select, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { TenantStatusBadge } from '../../../components/TenantStatusBadge';
import { useIsAdmin, useScope } from '../../../hooks/useOperator';
import { formatDateTime } from '../../../lib/format';
import type { LicenseInput, RegistrationState, Tenant } from '../../../lib/types';
import { approveRegistration, registrationsQuery, rejectRegistration } from '../api/registrations';
import { ApproveDialog } from '../components/ApproveDialog';
import { RejectDialog } from '../components/RejectDialog';

const STATES = allOf<RegistrationState>()(['pending', 'approved', 'rejected']);

export function RegistrationsPage() {
  const scope = useScope();
  const admin = useIsAdmin();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status: RegistrationState = STATES.includes(raw as RegistrationState) ? (raw as RegistrationState) : 'pending';
  const list = useInfiniteQuery(registrationsQuery(scope, status));
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  const [approving, setApproving] = useState<Tenant | null>(null);
  const [rejecting, setRejecting] = useState<Tenant | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (msg: string) => {
    setNotice(msg);
    void qc.invalidateQueries({ queryKey: tenantKey(scope, 'registrations') });
    void qc.invalidateQueries({ queryKey: tenantKey(scope, 'tenants') });
  };
  const approve = useMutation({
    mutationFn: ({ id, input }: { id: string; input: LicenseInput }) => approveRegistration(id, input),
    onSuccess: (t) => {
      setApproving(null);
      done(`${t.organization_name} was approved and is now active.`);
    },
  });
  const reject = useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => rejectRegistration(id, reason),
    onSuccess: (t) => {
      setRejecting(null);
      done(`The registration of ${t.organization_name} was rejected.`);
    },
  });

  return (
    <>
      <PageHeader title="Registrations" description="Organisations that registered themselves in the Cloud, newest first." />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <FormField label="State" className="w-48">
          <Select value={status} onChange={(e) => setParams(e.target.value === 'pending' ? {} : { status: e.target.value }, { replace: true })}>
            <option value="pending">Awaiting decision</option>
            <option value="approved">Approved</option>
            <option value="rejected">Rejected</option>
          </Select>
        </FormField>
      </div>
      {notice && (
        <Alert variant="success" className="mb-4">
          {notice}
        </Alert>
      )}
      <Table>
        <TableCaption>Registrations ({status})</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Organisation</TableHead>
            <TableHead>Account</TableHead>
            <TableHead>Administrator</TableHead>
            <TableHead>Registered</TableHead>
            <TableHead>Tenant status</TableHead>
            {status === 'pending' && admin && <TableHead className="text-right">Decision</TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState
            colSpan={status === 'pending' && admin ? 6 : 5}
            loading={list.isPending}
            error={list.isError && rows.length === 0 ? errorMessage(list.error) : null}
            onRetry={() => void list.refetch()}
            empty={rows.length === 0}
            emptyMessage={status === 'pending' ? 'No registrations await a decision.' : `No ${status} registrations.`}
          />
          {!list.isPending &&
            rows.map((t) => (
              <TableRow key={t.id}>
                <TableCell className="font-medium">
                  <Link to={`/tenants/${t.id}`} className="underline-offset-4 hover:underline">
                    {t.organization_name}
                  </Link>
                </TableCell>
                <TableCell className="font-mono text-xs">{t.account_name}</TableCell>
                <TableCell>
                  {t.contact_name}
                  <div className="text-xs text-muted-foreground">{t.contact_email}</div>
                </TableCell>
                <TableCell className="whitespace-nowrap">{formatDateTime(t.created_at)}</TableCell>
                <TableCell>
                  <TenantStatusBadge status={t.status} />
                </TableCell>
                {status === 'pending' && admin && (
                  <TableCell className="text-right">
                    <div className="flex justify-end gap-2">
                      <Button
                        size="sm"
                        aria-label={`Approve ${t.organization_name}`}
                        onClick={() => {
                          approve.reset();
                          setNotice(null);
                          setApproving(t);
                        }}
                      >
                        Approve…
                      </Button>
                      <Button
                        size="sm"
                        variant="outline"
                        aria-label={`Reject ${t.organization_name}`}
                        onClick={() => {
                          reject.reset();
                          setNotice(null);
                          setRejecting(t);
                        }}
                      >
                        Reject…
                      </Button>
                    </div>
                  </TableCell>
                )}
              </TableRow>
            ))}
        </TableBody>
      </Table>
      <LoadMore count={rows.length} query={list} />
      <ApproveDialog
        tenant={approving}
        busy={approve.isPending}
        error={approve.error}
        onApprove={(input) => approving && approve.mutate({ id: approving.id, input })}
        onClose={() => setApproving(null)}
      />
      <RejectDialog
        key={rejecting?.id ?? 'none'}
        tenant={rejecting}
        busy={reject.isPending}
        error={reject.error}
        onReject={(reason) => rejecting && reject.mutate({ id: rejecting.id, reason })}
        onClose={() => setRejecting(null)}
      />
    </>
  );
}
