import {
  Alert,
  AppShell,
  Button,
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
  ThemeToggle,
  navItemClass,
} from '@monozu/ui';
import { Link, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useSaveAppearance, useServerAppearance } from '../hooks/useAppearance';
import { useMe, useTenantId } from '../hooks/useMe';
import { hasPermission } from '../lib/access';
import { useSecurityFeed } from '../lib/security-feed';
import { GlobalSearch } from './GlobalSearch';
import { AlertToasts, LiveIndicator } from './LiveIndicator';
import { allowed } from '../lib/access';
import { api } from '../lib/api';
import { groupNav, navEntries } from './nav';

/** The authenticated layout: sidebar filtered by permissions and features, tenant name, user menu. */
export function Shell() {
  const me = useMe();
  const navigate = useNavigate();
  const tenantId = useTenantId();
  const seesAlerts = Boolean(me.data?.features.security && hasPermission(me.data.permissions, 'security.read'));
  const searchesAssets = Boolean(me.data && hasPermission(me.data.permissions, 'assets.read'));
  useSecurityFeed(tenantId, seesAlerts);
  useServerAppearance();
  const saveAppearance = useSaveAppearance();
  const entries = me.data ? allowed(navEntries, me.data.permissions, me.data.features) : [];

  const signOut = async () => {
    await api.logout();
    navigate('/login', { replace: true });
  };

  return (
    <AppShell
      brand={<span className="truncate">{me.data?.tenant.display_name ?? 'Monozu'}</span>}
      headerStart={searchesAssets ? <GlobalSearch /> : undefined}
      nav={
        <div className="flex gap-1 md:flex-col md:gap-3">
          {groupNav(entries).map((g, gi) => (
            <div key={g.group ?? 'g' + String(gi)} role={g.group ? 'group' : undefined} aria-labelledby={g.group ? 'nav-' + g.group : undefined}>
              {g.group && (
                <p id={'nav-' + g.group} className="hidden px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground md:block">
                  {g.group}
                </p>
              )}
              <ul className="flex gap-1 md:flex-col">
                {g.items.map((e) => (
                  <li key={e.to}>
                    <NavLink to={e.to} end={e.end} className={({ isActive }) => navItemClass(isActive)}>
                      {e.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      }
      headerActions={
        <>
          <LiveIndicator />
          <ThemeToggle onChange={(theme) => saveAppearance.mutate(theme)} />
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="sm" aria-label="User menu">
                {me.data?.user.display_name || me.data?.user.email || 'Account'}
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuLabel className="font-normal text-muted-foreground">{me.data?.user.email}</DropdownMenuLabel>
              <DropdownMenuSeparator />
              <DropdownMenuItem onSelect={() => navigate('/account/profile')}>Profile</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => navigate('/account/mfa')}>Two-factor sign-in</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => navigate('/account/sessions')}>Sessions</DropdownMenuItem>
              <DropdownMenuSeparator />
              <DropdownMenuItem onSelect={() => void signOut()}>Sign out</DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        </>
      }
    >
      {me.data?.mfa_enrollment_required && (
        <Alert variant="warning" className="mb-4" title="Two-factor sign-in required">
          Your organisation requires two-factor sign-in.{' '}
          <Link to="/account/mfa" className="underline underline-offset-4">
            Enrol an authenticator app
          </Link>{' '}
          to use the rest of Monozu.
        </Alert>
      )}
      {me.data?.licence_expiring && (
        <Alert variant="warning" className="mb-4">
          Your organisation&apos;s licence expires soon.
        </Alert>
      )}
      <Outlet />
      <AlertToasts />
    </AppShell>
  );
}
