import { Button, Card, CardContent, CardDescription, CardHeader, CardTitle } from '@monozu/ui';
import { Link, useLocation } from 'react-router-dom';

const names: Record<string, string> = { security: 'Security', vpn: 'VPN', backup: 'Backup' };

export function NotInPlanPage() {
  const state = useLocation().state as { feature?: string } | null;
  const module = state?.feature ? (names[state.feature] ?? state.feature) : 'This module';
  return (
    <Card className="mx-auto mt-10 max-w-lg">
      <CardHeader>
        <CardTitle>{module} is not in your plan</CardTitle>
        <CardDescription>
          Your organisation&apos;s licence does not include this module. Contact your provider to add it.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Button asChild variant="outline">
          <Link to="/">Back to the dashboard</Link>
        </Button>
      </CardContent>
    </Card>
  );
}
