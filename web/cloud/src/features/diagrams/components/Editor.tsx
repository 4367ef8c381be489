import { errorMessage } from '@monozu/api';
import { Alert, Button } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { addEdge, Background, Controls, MiniMap, ReactFlow, useEdgesState, useNodesState, useReactFlow, type Connection, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useCan } from '../../../hooks/useCan';
import { fetchDiagram, generateCanvas, saveContent, type Diagram, type Preset } from '../api/diagrams';
import { awaitsRecord, changesContent, linkNode, markUnlinked, mergeCanvas, newNode, recordKey, toCanvas, type Canvas, type DiagramNode, type PaletteItem } from './canvas-model';
import { ConflictDialog } from './ConflictDialog';
import { EdgePanel } from './EdgePanel';
import { DEFAULT_LOOK, restyle, type EdgeLook, type LineType } from './edge-style';
import { nodeTypes } from './InventoryNode';
import { LineTypeSelect } from './LineTypeSelect';
import { NodePanel } from './NodePanel';
import { droppedItem, Palette, PALETTE_MIME } from './Palette';
import type { SaverState } from './saver';
import { useSaver } from './useSaver';

/** Auto-save runs this long after the last edit. */
const AUTOSAVE_MS = 30_000;
/** How far a node placed by click lands from one already there. */
const PLACE_STEP = 24;

const plural = (n: number, one: string, many: string) => String(n) + ' ' + (n === 1 ? one : many);

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

/**
 * A canvas nobody has panned or zoomed yet (generated ones start so): fit it to the screen instead.
 * An empty one is not fitted: React Flow would zoom onto the first node placed.
 */
function isDefaultViewport(v: Canvas['viewport']): boolean {
  return !v || (v.x === 0 && v.y === 0 && v.zoom === 1);
}

/** The canvas with its palette, panels, imports and saving (inside a ReactFlowProvider). */
export function Editor({ diagram, onReload }: { diagram: Diagram; onReload: () => void }) {
  const can = useCan();
  const editable = can('diagrams.update');
  const rf = useReactFlow<DiagramNode, Edge>();
  const [unlinkedIds, setUnlinkedIds] = useState(() => new Set(diagram.unlinked_nodes.map((u) => u.node_id)));
  const [nodes, setNodes, onNodesChange] = useNodesState<DiagramNode>(markUnlinked(diagram.content.nodes, unlinkedIds));
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(diagram.content.edges);
  const [lineType, setLineType] = useState<LineType>(DEFAULT_LOOK.type);
  const canvasRef = useRef<HTMLDivElement>(null);
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
    setEdges((es) => addEdge({ ...c, type: lineType }, es));
    edited();
  };
  const selected = nodes.filter((n) => n.selected);
  const selectedEdges = edges.filter((e) => e.selected);
  const selectedId = selected.length === 1 ? (selected[0]?.id ?? '') : '';
  const updateNode = (id: string, f: (n: DiagramNode) => DiagramNode) => {
    setNodes((ns) => ns.map((n) => (n.id === id ? f(n) : n)));
    edited();
  };
  const place = (item: PaletteItem, at: { x: number; y: number }) => {
    setNodes((ns) => {
      const spot = { ...at };
      while (ns.some((n) => Math.abs(n.position.x - spot.x) < PLACE_STEP / 2 && Math.abs(n.position.y - spot.y) < PLACE_STEP / 2)) {
        spot.x += PLACE_STEP;
        spot.y += PLACE_STEP;
      }
      return [...ns.map((n) => ({ ...n, selected: false })), { ...newNode(ns, item, spot), selected: true }];
    });
    setEdges((es) => es.map((e) => ({ ...e, selected: false })));
    edited();
  };
  const placeInMiddle = (item: PaletteItem) => {
    const box = canvasRef.current?.getBoundingClientRect();
    const middle = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: window.innerWidth / 2, y: window.innerHeight / 2 };
    place(item, rf.screenToFlowPosition(middle));
  };
  const dragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes(PALETTE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const drop = (e: DragEvent) => {
    const item = droppedItem(e);
    if (!item) return;
    e.preventDefault();
    place(item, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };
  const restyleSelected = (change: Partial<EdgeLook>) => {
    setEdges((es) => es.map((e) => (e.selected ? restyle(e, change) : e)));
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
      // React Flow fits once the new nodes are measured, so the whole drawing is in view.
      if (addedNodes > 0) void rf.fitView({ padding: 0.1, duration: 300 });
    },
  });
  const awaiting = nodes.filter(awaitsRecord).length;
  const drawn = new Set(nodes.map(recordKey).filter((k) => k !== null));
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
        <div role="toolbar" aria-label="Diagram tools" className="grid gap-2">
          <div className="flex flex-wrap items-center gap-2">
            <Palette onAdd={placeInMiddle} />
            <Button className="ml-auto" onClick={() => void saver.flush()} disabled={state.status === 'saved' || state.status === 'saving' || state.status === 'conflict'} loading={state.status === 'saving'}>
              Save
            </Button>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Button variant="outline" size="sm" loading={importHierarchy.isPending && importHierarchy.variables === 'full_stack'} onClick={() => importHierarchy.mutate('full_stack')}>
              Import hierarchy
            </Button>
            <Button variant="outline" size="sm" loading={importHierarchy.isPending && importHierarchy.variables === 'cmdb_only'} onClick={() => importHierarchy.mutate('cmdb_only')}>
              Import VLANs and assets
            </Button>
            <label className="ml-2 flex items-center gap-2 text-sm">
              Line of new connections
              <LineTypeSelect className="h-8 w-auto" value={lineType} onChange={setLineType} />
            </label>
          </div>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3 text-sm" aria-live="polite">
        <span className={state.status === 'error' || state.status === 'conflict' ? 'text-destructive' : 'text-muted-foreground'}>{statusText(state)}</span>
        {state.status === 'error' && (
          <Button size="sm" variant="outline" onClick={() => void saver.flush()}>
            Try again
          </Button>
        )}
        {unlinkedIds.size > 0 && <span className="text-destructive">{plural(unlinkedIds.size, 'node stands', 'nodes stand')} for records that no longer exist (marked red).</span>}
        {awaiting > 0 && <span className="text-muted-foreground">{plural(awaiting, 'node is', 'nodes are')} not linked to a record yet (dashed).</span>}
        {!editable && <span className="text-muted-foreground">Read only: changing diagrams needs diagrams.update.</span>}
      </div>
      {notice && <Alert variant="success">{notice}</Alert>}
      {importHierarchy.isError && <Alert variant="destructive">{errorMessage(importHierarchy.error)}</Alert>}
      <div className="grid gap-3 lg:grid-cols-[1fr_18rem]">
        <div ref={canvasRef} className="h-[70vh] rounded-lg border" aria-label="Diagram canvas" role="application" onDragOver={dragOver} onDrop={drop}>
          <ReactFlow<DiagramNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={nodesChanged}
            onEdgesChange={edgesChanged}
            onConnect={connect}
            defaultViewport={diagram.content.viewport ?? { x: 0, y: 0, zoom: 1 }}
            fitView={diagram.content.nodes.length > 0 && isDefaultViewport(diagram.content.viewport)}
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
            siteId={diagram.site_id}
            drawn={drawn}
            editable={editable}
            onLabel={(label) => updateNode(selectedId, (n) => ({ ...n, data: { ...n.data, label } }))}
            onShape={(shape) => updateNode(selectedId, (n) => ({ ...n, data: { ...n.data, shape } }))}
            onLink={(kind, record) => {
              updateNode(selectedId, (n) => linkNode(n, kind, record));
              setUnlinkedIds((ids) => new Set([...ids].filter((id) => id !== selectedId)));
            }}
            onRemove={() => void rf.deleteElements({ nodes: [{ id: selectedId }] })}
          />
        ) : selected.length === 0 && selectedEdges.length > 0 ? (
          <EdgePanel edges={selectedEdges} editable={editable} onChange={restyleSelected} onRemove={() => void rf.deleteElements({ edges: selectedEdges.map((e) => ({ id: e.id })) })} />
        ) : (
          <aside className="rounded-lg border p-3 text-sm text-muted-foreground">
            {editable
              ? 'Drag a site, zone, VLAN or asset from the palette onto the canvas (or click it), then choose its record here. Drag from a node’s bottom handle to another node to connect them; select a connection to style it. Delete removes the selection.'
              : 'Select a node to see what it stands for.'}
          </aside>
        )}
      </div>
      <ConflictDialog open={state.status === 'conflict'} onReload={onReload} onOverwrite={() => void overwrite()} busy={overwriting} />
    </div>
  );
}
