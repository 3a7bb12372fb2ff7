// graphtool's network view: vis-network (bundled by pyvis, loaded above this code from the app's own
// origin) drawn from data Python sends; clicks go back to Python as trigger values.
// Data from the workspace is untrusted: it only ever reaches the page through textContent and
// canvas text, never innerHTML, so a name like <script>…</script> shows as those characters.

const views = new WeakMap(); // parentElement -> {network, nodes, edges, box, legend, more, key}

// One element per tooltip, its lines as text (a line break between them): building a tree of
// elements for each of 300 nodes and their edges cost a third of a second in the browser.
function tooltip(lines) {
  const box = document.createElement("div");
  box.className = "gt-tip";
  box.textContent = lines.map(([key, value]) => key + ": " + value).join("\n");
  return box;
}

function visNode(n) {
  return {
    id: n.id, label: n.label, title: tooltip(n.tip), shape: n.shape, size: n.size,
    x: n.x, y: n.y, fixed: n.fixed ? { x: true, y: true } : false,
    color: { background: n.color, border: n.border, highlight: { background: n.color, border: "#000" } },
    borderWidth: n.border_width, font: { size: 12, face: "sans-serif" },
  };
}

function visEdge(e) {
  return {
    id: e.id, from: e.from, to: e.to, label: e.label, title: tooltip(e.tip), arrows: "to",
    color: { color: e.color }, font: { size: 9, align: "middle", color: "#555" }, smooth: false,
  };
}

function sync(dataset, items) {
  const keep = new Set(items.map((i) => i.id));
  dataset.remove(dataset.getIds().filter((id) => !keep.has(id)));
  dataset.update(items);
}

function fill(el, text) {
  el.textContent = text || "";
  el.style.display = text ? "" : "none";
}

function legend(el, items) {
  el.replaceChildren();
  for (const item of items) {
    const entry = document.createElement("span");
    const dot = document.createElement("span");
    dot.className = "gt-dot";
    dot.style.background = item.color;
    entry.appendChild(dot);
    entry.appendChild(document.createTextNode(item.text));
    el.appendChild(entry);
  }
}

function build(parentElement, height) {
  const root = parentElement.querySelector(".gt-root");
  const box = root.querySelector(".gt-canvas");
  box.style.height = height + "px"; // sized before vis-network measures its container
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const network = new vis.Network(box, { nodes, edges }, {
    physics: false,
    interaction: { hover: true, tooltipDelay: 150, multiselect: false },
    layout: { improvedLayout: false },
    edges: { width: 1 },
  });
  const view = { network, nodes, edges, box, root, key: null };
  root.gtNetwork = network; // for the browser tests and benchmark: positions of nodes on screen
  // Read the current send function at event time: each rerun hands a new one.
  network.on("click", (p) => { if (p.nodes.length) view.send("select", p.nodes[0]); });
  network.on("doubleClick", (p) => { if (p.nodes.length) view.send("expand", p.nodes[0]); });
  // The first drawing after new data: when the picture the person asked for is on screen
  // (performance.now() milliseconds, read by the browser tests and the benchmark).
  network.on("afterDrawing", () => {
    if (!view.awaiting) return;
    view.awaiting = false;
    root.dataset.drawn = String(performance.now());
    root.dataset.nodes = String(nodes.length);
  });
  views.set(parentElement, view);
  return view;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  const view = views.get(parentElement) || build(parentElement, data.height);
  view.send = (event, id) => setTriggerValue(event, id);
  if (view.box.style.height !== data.height + "px") {
    view.box.style.height = data.height + "px";
    view.network.setSize("100%", data.height + "px");
  }
  const grew = view.key !== data.key || data.nodes.some((n) => !view.nodes.get(n.id));
  view.key = data.key;
  sync(view.nodes, data.nodes.map(visNode));
  sync(view.edges, data.edges.map(visEdge));
  if (data.selected && view.nodes.get(data.selected)) view.network.selectNodes([data.selected]);
  else view.network.unselectAll();
  if (grew) view.network.fit({ animation: false }); // a new picture, or an expansion: show all of it
  fill(view.root.querySelector(".gt-more"), data.more_text);
  fill(view.root.querySelector(".gt-hint"), data.hint);
  legend(view.root.querySelector(".gt-legend"), data.legend);
  view.root.dataset.updated = String(performance.now());
  view.awaiting = true;
  view.network.redraw();
}
