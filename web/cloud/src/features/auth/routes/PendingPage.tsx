import { Alert } from '@monozu/ui';
import { useLocation } from 'react-router-dom';
import { PublicLayout, PublicLink } from '../components/PublicLayout';

/** After registration, and when a pending organisation's user tries to sign in. */
export function PendingPage() {
  const organisation = (useLocation().state as { organisation?: string } | null)?.organisation;
  return (
    <PublicLayout
      title="Waiting for activation"
      description={organisation ? `${organisation} is registered.` : 'Your organisation is registered.'}
      footer={<PublicLink to="/login">Back to sign-in</PublicLink>}
    >
      <Alert title="Activation pending">
        Your provider checks new organisations and applies a licence. You can sign in as soon as the organisation is active;
        until then signing in is refused.
      </Alert>
    </PublicLayout>
  );
}
