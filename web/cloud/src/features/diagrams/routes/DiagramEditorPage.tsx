import { Button, PageHeader, QueryError, Spinner } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { diagramQuery } from '../api/diagrams';
import { DeleteDiagram } from '../components/DeleteDiagram';
import { Editor } from '../components/Editor';

/** Diagrams → one diagram: the canvas editor with auto-save and version-conflict handling. */
export function DiagramEditorPage() {
  const { id = '' } = useParams();
  const t = useTenantId();
  const can = useCan();
  const diagram = useQuery(diagramQuery(t, id));
  const [loads, setLoads] = useState(0);
  const reload = async () => {
    await diagram.refetch();
    setLoads((n) => n + 1);
  };
  if (diagram.isPending) return <Spinner label="Loading the diagram…" />;
  if (diagram.isError)
    return (
      <QueryError error={diagram.error} onRetry={diagram.refetch} title="The diagram could not be loaded">
        <Link to="/diagrams" className="underline underline-offset-4">
          Back to diagrams
        </Link>
      </QueryError>
    );
  const d = diagram.data;
  return (
    <>
      <PageHeader
        title={d.name}
        description={d.description || 'Drag nodes to arrange them; changes save automatically.'}
        actions={
          <div className="flex gap-2">
            <Button variant="outline" asChild>
              <Link to="/diagrams">All diagrams</Link>
            </Button>
            {can('diagrams.delete') && <DeleteDiagram diagram={d} />}
          </div>
        }
      />
      <ReactFlowProvider key={loads}>
        <Editor diagram={d} onReload={() => void reload()} />
      </ReactFlowProvider>
    </>
  );
}
