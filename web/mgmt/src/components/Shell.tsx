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
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useOperator } from '../hooks/useOperator';
import { api } from '../lib/api';

const nav = [{ to: '/', label: 'Tenants', end: true }];

export function Shell() {
  const op = useOperator();
  const navigate = useNavigate();
  const signOut = async () => {
    await api.logout();
    navigate('/login', { replace: true });
  };
  return (
    <AppShell
      brand="Monozu Management"
      nav={
        <ul className="flex gap-1 md:flex-col">
          {nav.map((e) => (
            <li key={e.to}>
              <NavLink to={e.to} end={e.end} className={({ isActive }) => navItemClass(isActive)}>
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
