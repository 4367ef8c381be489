import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@monozu/ui';
import type { ImportError } from '../api/imports';

export function ImportErrorsTable({ errors, total }: { errors: ImportError[]; total: number }) {
  return (
    <div className="grid gap-2">
      <Table>
        <TableCaption>Errors by row</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Row</TableHead>
            <TableHead>Column</TableHead>
            <TableHead>Message</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {errors.map((e, i) => (
            <TableRow key={String(e.row) + e.column + String(i)}>
              <TableCell>{e.row === 0 ? 'File' : e.row}</TableCell>
              <TableCell className="font-mono text-xs">{e.column || '—'}</TableCell>
              <TableCell>
                {e.message} <span className="text-xs text-muted-foreground">({e.code})</span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {total > errors.length && <p className="text-sm text-muted-foreground">The first {errors.length} of {total} errors are listed.</p>}
    </div>
  );
}
