import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Button, ConfirmDialog, Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, FormField, PageHeader, Select, Spinner } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { addEdge, Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow, type Connection, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { deleteDiagram, diagramQuery, fetchDiagram, generateCanvas, saveContent, type Diagram, type Preset } from '../api/diagrams';
import { changesContent, linkNode, markUnlinked, mergeCanvas, newNote, toCanvas, type Canvas, type DiagramNode } from '../components/canvas-model';
import { nodeTypes } from '../components/InventoryNode';
import { NodePanel } from '../components/NodePanel';
import type { SaverState } from '../components/saver';
import { useSaver } from '../components/useSaver';
import { QueryError } from '@monozu/ui';

/** Auto-save runs this long after the last edit. */
const AUTOSAVE_MS = 30_000;
const EDGE_STYLES = ['default', 'smoothstep', 'step', 'straight'] as const;

function statusText(s: SaverState): string {
  switch (s.status) {
    case 'saved':
      return 'All changes saved (version ' + String(s.version) + ')';
    case 'dirty':
      return 'Unsaved changes — saving shortly';
    case 'saving':
      return 'Saving…';
    case 'conflict':
      return 'Not saved: someone else saved this diagram';
    case 'error':
      return 'Not saved: ' + errorMessage(s.error);
  }
}

/** A canvas nobody has panned or zoomed yet (generated ones start so): fit it to the screen instead. */
function isDefaultViewport(v: Canvas['viewport']): boolean {
  return !v || (v.x === 0 && v.y === 0 && v.zoom === 1);
}

function ConflictDialog({ open, onReload, onOverwrite, busy }: { open: boolean; onReload: () => void; onOverwrite: () => void; busy: boolean }) {
  return (
    <Dialog open={open}>
      <DialogContent onEscapeKeyDown={(e) => e.preventDefault()} onPointerDownOutside={(e) => e.preventDefault()}>
        <DialogHeader>
          <DialogTitle>Someone else saved this diagram</DialogTitle>
          <DialogDescription>
            It changed since you opened it, so your changes are not saved yet. Reload to see their version (your changes since your last save are
            dropped), or overwrite their version with yours.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button variant="outline" onClick={onReload}>
            Reload their version
          </Button>
          <Button variant="destructive" loading={busy} onClick={onOverwrite}>
            Overwrite with mine
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function Editor({ diagram, onReload }: { diagram: Diagram; onReload: () => void }) {
  const can = useCan();
  const editable = can('diagrams.update');
  const rf = useReactFlow<DiagramNode, Edge>();
  const [unlinkedIds, setUnlinkedIds] = useState(() => new Set(diagram.unlinked_nodes.map((u) => u.node_id)));
  const [nodes, setNodes, onNodesChange] = useNodesState<DiagramNode>(markUnlinked(diagram.content.nodes, unlinkedIds));
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(diagram.content.edges);
  const [edgeStyle, setEdgeStyle] = useState<(typeof EDGE_STYLES)[number]>('smoothstep');
  const [notice, setNotice] = useState<string | null>(null);
  const [overwriting, setOverwriting] = useState(false);
  const { saver, state } = useSaver<Canvas>({
    version: diagram.version,
    save: async (content, version) => {
      const d = await saveContent(diagram.id, version, content);
      setUnlinkedIds(new Set(d.unlinked_nodes.map((u) => u.node_id)));
      return d.version;
    },
    currentVersion: () => fetchDiagram(diagram.id).then((d) => d.version),
    delayMs: editable ? AUTOSAVE_MS : 0,
  });

  // Every edit bumps the revision; the effect hands the canvas of that revision to the saver.
  const [revision, setRevision] = useState(0);
  const handled = useRef(0);
  const edited = () => setRevision((r) => r + 1);
  useEffect(() => {
    if (revision === handled.current) return;
    handled.current = revision;
    saver.change(toCanvas(nodes, edges, rf.getViewport()));
  }, [revision, nodes, edges, rf, saver]);
  useEffect(() => setNodes((ns) => markUnlinked(ns, unlinkedIds)), [unlinkedIds, setNodes]);

  const nodesChanged = (changes: NodeChange<DiagramNode>[]) => {
    onNodesChange(changes);
    if (editable && changesContent(changes)) edited();
  };
  const edgesChanged = (changes: EdgeChange[]) => {
    onEdgesChange(changes);
    if (editable && changesContent(changes)) edited();
  };
  const connect = (c: Connection) => {
    setEdges((es) => addEdge({ ...c, type: edgeStyle }, es));
    edited();
  };
  const selected = nodes.filter((n) => n.selected);
  const selectedEdges = edges.filter((e) => e.selected);
  const updateNode = (id: string, f: (n: DiagramNode) => DiagramNode) => {
    setNodes((ns) => ns.map((n) => (n.id === id ? f(n) : n)));
    edited();
  };
  const addNote = () => {
    const centre = rf.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    setNodes((ns) => [...ns.map((n) => ({ ...n, selected: false })), { ...newNote(ns, centre), selected: true }]);
    edited();
  };
  const importHierarchy = useMutation({
    mutationFn: (preset: Preset) => generateCanvas(diagram.id, preset),
    onSuccess: (generated) => {
      const { canvas, addedNodes, addedEdges } = mergeCanvas(toCanvas(nodes, edges), generated);
      setNodes(markUnlinked(canvas.nodes, unlinkedIds));
      setEdges(canvas.edges);
      setNotice('Added ' + String(addedNodes) + ' nodes and ' + String(addedEdges) + ' connections from the inventory.');
      if (addedNodes + addedEdges > 0) edited();
    },
  });
  const changeEdgeStyle = (style: (typeof EDGE_STYLES)[number]) => {
    setEdgeStyle(style);
    if (selectedEdges.length > 0) {
      setEdges((es) => es.map((e) => (e.selected ? { ...e, type: style } : e)));
      edited();
    }
  };
  const overwrite = async () => {
    setOverwriting(true);
    try {
      await saver.overwrite();
    } finally {
      setOverwriting(false);
    }
  };

  return (
    <div className="grid gap-3">
      {editable && (
        <div role="toolbar" aria-label="Diagram tools" className="flex flex-wrap items-end gap-2">
          <Button variant="outline" onClick={addNote}>
            Add node
          </Button>
          <Button variant="outline" loading={importHierarchy.isPending && importHierarchy.variables === 'full_stack'} onClick={() => importHierarchy.mutate('full_stack')}>
            Import hierarchy
          </Button>
          <Button variant="outline" loading={importHierarchy.isPending && importHierarchy.variables === 'cmdb_only'} onClick={() => importHierarchy.mutate('cmdb_only')}>
            Import VLANs and assets
          </Button>
          <FormField label={selectedEdges.length ? 'Style of selected connections' : 'Style of new connections'}>
            <Select value={edgeStyle} onChange={(e) => changeEdgeStyle(e.target.value as (typeof EDGE_STYLES)[number])}>
              {EDGE_STYLES.map((s) => (
                <option key={s} value={s}>
                  {s === 'default' ? 'Curved' : s === 'smoothstep' ? 'Rounded steps' : s === 'step' ? 'Steps' : 'Straight'}
                </option>
              ))}
            </Select>
          </FormField>
          <Button className="ml-auto" onClick={() => void saver.flush()} disabled={state.status === 'saved' || state.status === 'saving' || state.status === 'conflict'} loading={state.status === 'saving'}>
            Save
          </Button>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3 text-sm" aria-live="polite">
        <span className={state.status === 'error' || state.status === 'conflict' ? 'text-destructive' : 'text-muted-foreground'}>{statusText(state)}</span>
        {state.status === 'error' && (
          <Button size="sm" variant="outline" onClick={() => void saver.flush()}>
            Try again
          </Button>
        )}
        {unlinkedIds.size > 0 && <span className="text-destructive">{unlinkedIds.size} nodes stand for records that no longer exist (marked red).</span>}
        {!editable && <span className="text-muted-foreground">Read only: changing diagrams needs diagrams.update.</span>}
      </div>
      {notice && <Alert variant="success">{notice}</Alert>}
      {importHierarchy.isError && <Alert variant="destructive">{errorMessage(importHierarchy.error)}</Alert>}
      <div className="grid gap-3 lg:grid-cols-[1fr_18rem]">
        <div className="h-[70vh] rounded-lg border" aria-label="Diagram canvas" role="application">
          <ReactFlow<DiagramNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={nodesChanged}
            onEdgesChange={edgesChanged}
            onConnect={connect}
            defaultViewport={diagram.content.viewport ?? { x: 0, y: 0, zoom: 1 }}
            fitView={isDefaultViewport(diagram.content.viewport)}
            nodesDraggable={editable}
            nodesConnectable={editable}
            deleteKeyCode={editable ? ['Backspace', 'Delete'] : null}
            colorMode="system"
            minZoom={0.05}
          >
            <Background />
            <Controls />
            <MiniMap pannable zoomable />
          </ReactFlow>
        </div>
        {selected.length === 1 && selected[0] ? (
          <NodePanel
            node={selected[0]}
            editable={editable}
            onLabel={(label) => updateNode(selected[0]?.id ?? '', (n) => ({ ...n, data: { ...n.data, label } }))}
            onLink={(asset) => updateNode(selected[0]?.id ?? '', (n) => linkNode(n, asset))}
          />
        ) : (
          <aside className="rounded-lg border p-3 text-sm text-muted-foreground">
            {editable
              ? 'Select a node to edit its label or link it to an asset. Drag from a node’s bottom handle to another node to connect them; Delete removes the selection.'
              : 'Select a node to see what it stands for.'}
          </aside>
        )}
      </div>
      <ConflictDialog open={state.status === 'conflict'} onReload={onReload} onOverwrite={() => void overwrite()} busy={overwriting} />
    </div>
  );
}

function DeleteDiagram({ diagram }: { diagram: Diagram }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: () => deleteDiagram(diagram.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'diagrams') });
      navigate('/diagrams', { replace: true });
    },
  });
  return (
    <>
      <Button variant="outline" onClick={() => { del.reset(); setOpen(true); }}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={'Delete the diagram ' + diagram.name + '?'}
        description={del.isError ? <span role="alert" className="text-destructive">{errorMessage(del.error)}</span> : 'The inventory it draws stays as it is.'}
        confirmLabel="Delete"
        destructive
        busy={del.isPending}
        onConfirm={() => del.mutate()}
      />
    </>
  );
}

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
