import { Card, CardContent, CardDescription, CardHeader, CardTitle, ThemeToggle } from '@monozu/ui';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

/** The centred card of the pages one sees before signing in. */
export function PublicLayout({ title, description, children, footer }: { title: string; description: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="flex min-h-screen items-center justify-center bg-muted/30 p-4">
      <div className="absolute right-4 top-4">
        <ThemeToggle />
      </div>
      <main className="w-full max-w-md">
        <Card>
          <CardHeader>
            <CardTitle>
              <span className="text-xl">{title}</span>
            </CardTitle>
            <CardDescription>{description}</CardDescription>
          </CardHeader>
          <CardContent>{children}</CardContent>
        </Card>
        {footer && <nav className="mt-4 flex justify-center gap-4 text-sm text-muted-foreground">{footer}</nav>}
      </main>
    </div>
  );
}

/** A link in the footer of a public page. */
export function PublicLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className="underline-offset-4 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
      {children}
    </Link>
  );
}
