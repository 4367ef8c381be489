import { useSession } from '@monozu/api';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { sessionStore } from '../lib/api';
import { FullPageSpinner } from './FullPageSpinner';

/** Renders child routes for a signed-in user; waits for session restore; otherwise goes to /login. */
export function RequireAuth() {
  const status = useSession(sessionStore, (s) => s.status);
  const location = useLocation();
  if (status === 'unknown') return <FullPageSpinner label="Restoring your session…" />;
  if (status === 'anonymous') return <Navigate to="/login" replace state={{ from: location }} />;
  return <Outlet />;
}
