import { Button, Card, CardContent, CardHeader, CardTitle } from '@monozu/ui';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <Card className="mx-auto mt-10 max-w-lg">
      <CardHeader>
        <CardTitle>Page not found</CardTitle>
      </CardHeader>
      <CardContent>
        <Button asChild variant="outline">
          <Link to="/">Back to tenants</Link>
        </Button>
      </CardContent>
    </Card>
  );
}
