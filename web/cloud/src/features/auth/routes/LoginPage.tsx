import { useSession } from '@monozu/api';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { sessionStore } from '../../../lib/api';
import { PublicLayout, PublicLink } from '../components/PublicLayout';
import { MfaForm } from './MfaForm';
import { PasswordForm } from './PasswordForm';

/** Password step, then a TOTP or recovery code when the server asks for it. */
export function LoginPage() {
  const status = useSession(sessionStore, (s) => s.status);
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: { pathname?: string } } | null)?.from?.pathname ?? '/';
  const [sessionToken, setSessionToken] = useState<string | null>(null);

  if (status === 'authenticated') return <Navigate to={from === '/login' ? '/' : from} replace />;

  return (
    <PublicLayout
      title={sessionToken ? 'Two-factor sign-in' : 'Sign in to Monozu'}
      description={sessionToken ? 'Enter the code from your authenticator app.' : 'Use your work e-mail address.'}
      footer={
        !sessionToken && (
          <>
            <PublicLink to="/forgot-password">Forgot password?</PublicLink>
            <PublicLink to="/register">Register your organisation</PublicLink>
          </>
        )
      }
    >
      {sessionToken ? (
        <MfaForm sessionToken={sessionToken} onRestart={() => setSessionToken(null)} />
      ) : (
        <PasswordForm onMfaRequired={setSessionToken} onPending={() => navigate('/pending')} />
      )}
    </PublicLayout>
  );
}
