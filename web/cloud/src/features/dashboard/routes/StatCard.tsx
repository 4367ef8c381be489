import { errorMessage } from '@monozu/api';
import { Card, CardContent, CardDescription, CardHeader, Spinner } from '@monozu/ui';

export interface StatCardProps {
  label: string;
  value: number | undefined;
  capped?: boolean;
  loading: boolean;
  error: unknown;
}

export function StatCard({ label, value, capped, loading, error }: StatCardProps) {
  return (
    <Card>
      <CardHeader className="pb-2">
        <CardDescription>{label}</CardDescription>
      </CardHeader>
      <CardContent>
        {loading ? (
          <Spinner label={'Loading ' + label} />
        ) : error ? (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(error)}
          </p>
        ) : (
          <p className="text-3xl font-semibold tabular-nums">
            {value ?? 0}
            {capped ? '+' : ''}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
