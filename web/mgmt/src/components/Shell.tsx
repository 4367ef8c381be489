import {
  AppShell,
  Badge,
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
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useOperator } from '../hooks/useOperator';
import { api } from '../lib/api';

const nav = [
  { to: '/', label: 'Tenants', end: false, match: (p: string) => p === '/' || p.startsWith('/tenants') },
  { to: '/registrations', label: 'Registrations', end: false },
  { to: '/deliveries', label: 'Webhook deliveries', end: false },
  { to: '/operators', label: 'Operators', end: false },
  { to: '/audit', label: 'Audit log', end: false },
];

export function Shell() {
  const op = useOperator();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      navigate('/login', { replace: true });
    }
  };
  return (
    <AppShell
      brand="Monozu Management"
      nav={
        <ul className="flex flex-wrap gap-1 md:flex-col">
          {nav.map((e) => (
            <li key={e.to}>
              <NavLink
                to={e.to}
                end={e.end}
                className={({ isActive }) => navItemClass(e.match ? e.match(pathname) : isActive)}
                aria-current={e.match ? (e.match(pathname) ? 'page' : undefined) : undefined}
              >
                {e.label}
              </NavLink>
            </li>
          ))}
        </ul>
      }
      headerActions={
        <>
          {op.data && <Badge variant={op.data.role === 'admin' ? 'default' : 'secondary'}>{op.data.role}</Badge>}
          <ThemeToggle />
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="sm" aria-label="Operator menu">
                {op.data?.name || op.data?.email || 'Operator'}
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuLabel className="font-normal text-muted-foreground">{op.data?.email}</DropdownMenuLabel>
              <DropdownMenuSeparator />
              <DropdownMenuItem onSelect={() => void signOut()}>Sign out</DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        </>
      }
    >
      <Outlet />
    </AppShell>
  );
}
