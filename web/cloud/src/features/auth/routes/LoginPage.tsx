import { useSession } from '@monozu/api';
import { Card, CardContent, CardDescription, CardHeader, CardTitle, ThemeToggle } from '@monozu/ui';
import { useState } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { sessionStore } from '../../../lib/api';
import { MfaForm } from './MfaForm';
import { PasswordForm } from './PasswordForm';

/** Password step, then a TOTP or recovery code when the server asks for it. */
export function LoginPage() {
  const status = useSession(sessionStore, (s) => s.status);
  const from = (useLocation().state as { from?: { pathname?: string } } | null)?.from?.pathname ?? '/';
  const [sessionToken, setSessionToken] = useState<string | null>(null);

  if (status === 'authenticated') return <Navigate to={from === '/login' ? '/' : from} replace />;

  return (
    <div className="flex min-h-screen items-center justify-center bg-muted/30 p-4">
      <div className="absolute right-4 top-4">
        <ThemeToggle />
      </div>
      <main className="w-full max-w-sm">
        <Card>
          <CardHeader>
            <CardTitle>
              <span className="text-xl">{sessionToken ? 'Two-factor sign-in' : 'Sign in to Monozu'}</span>
            </CardTitle>
            <CardDescription>
              {sessionToken ? 'Enter the code from your authenticator app.' : 'Use your work e-mail address.'}
            </CardDescription>
          </CardHeader>
          <CardContent>
            {sessionToken ? (
              <MfaForm sessionToken={sessionToken} onRestart={() => setSessionToken(null)} />
            ) : (
              <PasswordForm onMfaRequired={setSessionToken} />
            )}
          </CardContent>
        </Card>
      </main>
    </div>
  );
}
