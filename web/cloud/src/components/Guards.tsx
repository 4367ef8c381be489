import { Alert } from '@monozu/ui';
import { errorMessage } from '@monozu/api';
import type { ReactNode } from 'react';
import { Navigate } from 'react-router-dom';
import { useMe } from '../hooks/useMe';
import { hasPermission } from '../lib/access';
import { FullPageSpinner } from './FullPageSpinner';

function useAccess() {
  const me = useMe();
  return { me, pending: me.isPending, error: me.error };
}

/** Renders children when the user holds the permission, else the /403 page. */
export function PermissionGuard({ permission, children }: { permission: string; children: ReactNode }) {
  const { me, pending, error } = useAccess();
  if (pending) return <FullPageSpinner />;
  if (error) return <Alert variant="destructive">{errorMessage(error)}</Alert>;
  if (!hasPermission(me.data?.permissions ?? [], permission)) return <Navigate to="/403" replace />;
  return <>{children}</>;
}

/** Renders children when the tenant's licence has the module, else the "not in your plan" page. */
export function FeatureGuard({ feature, children }: { feature: string; children: ReactNode }) {
  const { me, pending, error } = useAccess();
  if (pending) return <FullPageSpinner />;
  if (error) return <Alert variant="destructive">{errorMessage(error)}</Alert>;
  if (me.data?.features[feature] !== true) return <Navigate to="/not-in-plan" replace state={{ feature }} />;
  return <>{children}</>;
}
