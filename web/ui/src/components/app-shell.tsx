import type { ReactNode } from 'react';
import { cn } from '../lib/cn';

export interface AppShellProps {
  /** Product or tenant name at the top of the sidebar. */
  brand: ReactNode;
  /** Navigation links (render NavLinks; the shell wraps them in <nav>). */
  nav: ReactNode;
  /** Right side of the header: theme toggle, user menu. */
  headerActions?: ReactNode;
  /** Left side of the header, taking the free width: page title or search. */
  headerStart?: ReactNode;
  children: ReactNode;
  navLabel?: string;
}

/** Sidebar + header layout with a skip link; the main region receives focus from the skip link. */
export function AppShell({ brand, nav, headerActions, headerStart, children, navLabel = 'Main' }: AppShellProps) {
  return (
    <div className="flex min-h-screen bg-background">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-primary focus:px-3 focus:py-2 focus:text-primary-foreground"
      >
        Skip to content
      </a>
      <aside className="hidden w-60 shrink-0 flex-col border-r bg-sidebar text-sidebar-foreground md:flex">
        <div className="flex h-14 items-center border-b px-4 font-semibold">{brand}</div>
        <nav aria-label={navLabel} className="flex-1 overflow-y-auto p-2">
          {nav}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-between gap-4 border-b px-4">
          <div className="flex min-w-0 flex-1 items-center gap-3">
            <div className="font-semibold md:hidden">{brand}</div>
            {headerStart}
          </div>
          <div className="flex items-center gap-2">{headerActions}</div>
        </header>
        <nav aria-label={navLabel + ' (compact)'} className="flex gap-1 overflow-x-auto border-b p-2 md:hidden">
          {nav}
        </nav>
        <main id="main" tabIndex={-1} className="flex-1 p-4 focus:outline-none md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}

/** Class names for a sidebar link; pass isActive from the router's NavLink. */
export function navItemClass(isActive: boolean): string {
  return cn(
    'flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring md:w-full',
    isActive ? 'bg-primary/10 text-primary' : 'text-sidebar-foreground/80 hover:bg-accent hover:text-accent-foreground',
  );
}
