import { Button, Card, CardContent, CardDescription, CardHeader, CardTitle } from '@monozu/ui';
import { Link } from 'react-router-dom';

export function ForbiddenPage() {
  return (
    <Card className="mx-auto mt-10 max-w-lg">
      <CardHeader>
        <CardTitle>You do not have access to this page</CardTitle>
        <CardDescription>
          Your groups do not grant the permission this page needs. Ask an administrator of your organisation.
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
