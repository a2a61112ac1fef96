/* ip4graph relationship viewer. Part of ip4graph (MIT licence).
 * Builds every piece of text with textContent: data is never parsed as HTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("ip4-data").textContent);
  var state = {
    classes: {},          // group key -> enabled
    scope: data.scope,    // "partnership" or "all"
    yearEnabled: false,
    year: data.years.max,
    includeUndated: true,
    showUncertain: true,
    query: "",
    matches: [],          // node ids matching the search, best first
    stabilized: false,
  };
  data.classes.forEach(function (c) { state.classes[c.key] = true; });

  var el = ip4panel.el, clear = ip4panel.clear, claimList = ip4panel.claimList;

  /* A tooltip element from {heading, flag, rows: [[k, v]], quotes: [{text, source}]}. */
  function tipElement(tip) {
    var root = el("div", null, "ip4-tip");
    root.appendChild(el("h3", tip.heading));
    if (tip.flag) root.appendChild(el("p", tip.flag, tip.flagClass || "uncertain"));
    var dl = el("dl");
    (tip.rows || []).forEach(function (row) {
      dl.appendChild(el("dt", row[0]));
      dl.appendChild(el("dd", row[1]));
    });
    root.appendChild(dl);
    (tip.quotes || []).forEach(function (q) {
      root.appendChild(el("blockquote", "\u201c" + q.text + "\u201d"));
      if (q.source) root.appendChild(el("div", "\u2014 " + q.source, "note"));
    });
    return root;
  }

  var byId = {};
  var nodeItems = data.nodes.map(function (n) {
    byId[n.id] = n;
    var item = Object.assign({}, n.vis);
    item.id = n.id;
    item.title = tipElement(n.tip);
    return item;
  });
  var edgeLabels = data.edges.length <= 40;
  var edgeItems = data.edges.map(function (e) {
    var item = Object.assign({}, e.vis);
    if (!edgeLabels) item.label = "";
    item.id = e.id;
    item.from = e.from;
    item.to = e.to;
    item.title = tipElement(e.tip);
    return item;
  });
  var edgeById = {};
  var edgesOf = {};
  data.edges.forEach(function (e) {
    edgeById[e.id] = e;
    (edgesOf[e.from] = edgesOf[e.from] || []).push(e);
    if (e.to !== e.from) (edgesOf[e.to] = edgesOf[e.to] || []).push(e);
  });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);

  function dated(item) { return item.startYear !== null && item.startYear !== undefined; }
  function yearOk(item) {
    if (!state.yearEnabled) return true;
    if (!dated(item)) return state.includeUndated;
    if (item.startYear > state.year) return false;
    return item.endYear === null || item.endYear === undefined || item.endYear >= state.year;
  }
  function nodeVisible(id) {
    var n = byId[id];
    if (!n || !state.classes[n.classKey]) return false;
    if (state.scope === "partnership" && !n.partnership && id !== data.focus) return false;
    return yearOk(n);
  }
  function edgeVisible(id) {
    var e = edgeById[id];
    if (!e) return false;
    if (!state.showUncertain && (e.uncertain || e.denied)) return false;
    /* a dated link is filtered by its own period; an undated one follows its ends */
    if (state.yearEnabled && dated(e) && !yearOk(e)) return false;
    return nodeVisible(e.from) && nodeVisible(e.to);
  }

  var nodeView = new vis.DataView(nodes, { filter: function (item) { return nodeVisible(item.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (item) { return edgeVisible(item.id); } });

  var container = document.getElementById("ip4-network");
  var options = data.options;
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  var statusEl = document.getElementById("ip4-status");
  function status() {
    statusEl.textContent = "Showing " + nodeView.length + " of " + nodes.length + " nodes and " +
      edgeView.length + " of " + edges.length + " links.";
  }

  function stopPhysics() {
    network.setOptions({ physics: { enabled: false } });
    state.stabilized = true;
    document.body.setAttribute("data-stabilized", "true");
  }
  function stabilize(iterations) {
    state.stabilized = false;
    document.body.setAttribute("data-stabilized", "false");
    network.setOptions({ physics: { enabled: true } });
    network.once("stabilizationIterationsDone", function () {
      stopPhysics();
      network.fit({ animation: false });
    });
    network.stabilize(iterations);
  }

  /* Filters: remember where the shown nodes are, apply, and re-run the layout from there,
   * so nodes that come back reappear where they were, not piled in the centre. */
  function refresh(relayout) {
    var before = nodeView.getIds();
    var positions = network.getPositions(before);
    nodes.update(before.filter(function (id) { return positions[id]; })
      .map(function (id) { return { id: id, x: positions[id].x, y: positions[id].y }; }));
    nodeView.refresh();
    edgeView.refresh();
    status();
    if (relayout && nodeView.length > 0 && layoutSelect.value !== "circular") {
      stabilize(Math.min(150, options.physics.stabilization.iterations || 150));
    }
  }

  /* ---- details panel: the node, its links to Wikidata/DBpedia and its entity page,
   * every relation and the claims behind each ---- */
  var details = document.getElementById("ip4-details");
  var panelOrder = {};
  data.classes.forEach(function (c, i) { panelOrder[c.key] = i; });
  function showNode(id) {
    ip4panel.showNode(details, { byId: byId, edgesOf: edgesOf, order: panelOrder }, id, function (other) { select(other, true); });
  }
  function showEdge(id) {
    var e = edgeById[id];
    clear(details);
    var root = tipElement(e.tip);
    root.setAttribute("data-edge", id);
    if (e.claims.length) root.appendChild(claimList(e.claims));
    details.appendChild(root);
  }
  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  /* Select a node, make it visible (its kind and the scope), centre on it, open its panel. */
  function select(id, zoom) {
    var n = byId[id];
    if (!n) return;
    if (!nodeVisible(id)) {
      if (!state.classes[n.classKey]) {
        state.classes[n.classKey] = true;
        var box = legend.querySelector('input[data-class="' + n.classKey + '"]');
        if (box) box.checked = true;
      }
      if (state.scope === "partnership" && !n.partnership) { state.scope = "all"; scopeSelect.value = "all"; }
      if (!yearOk(n)) { state.yearEnabled = false; yearBox.checked = false; yearRange.disabled = true; }
      refresh(false);
    }
    network.selectNodes([id]);
    if (zoom) network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showNode(id);
  }

  /* ---- legend and group filter ---- */
  var legend = document.getElementById("ip4-legend");
  data.classes.forEach(function (c) {
    var li = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-class", c.key);
    box.addEventListener("change", function () { state.classes[c.key] = box.checked; refresh(true); });
    var swatch = el("span", c.glyph, "swatch");
    swatch.style.color = c.color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", c.label, "name"));
    label.appendChild(el("span", c.count, "count"));
    label.title = c.classes.join(", ");
    li.appendChild(label);
    legend.appendChild(li);
  });
  document.getElementById("ip4-size-note").textContent =
    data.sizeBy === "betweenness" ? "Size: betweenness centrality." : "Size: number of links.";

  /* ---- scope ---- */
  var scopeSelect = document.getElementById("ip4-scope");
  scopeSelect.value = state.scope;
  scopeSelect.addEventListener("change", function () { state.scope = scopeSelect.value; refresh(true); });

  /* ---- year filter ---- */
  var yearBox = document.getElementById("ip4-year-enabled");
  var yearRange = document.getElementById("ip4-year");
  var yearOut = document.getElementById("ip4-year-value");
  var undatedBox = document.getElementById("ip4-undated");
  if (data.years.min === null) {
    yearBox.disabled = true;
    undatedBox.disabled = true;
    yearOut.textContent = "no dates";
  } else {
    yearRange.min = String(data.years.min);
    yearRange.max = String(data.years.max);
    yearRange.value = String(data.years.max);
    yearOut.textContent = String(data.years.max);
  }
  yearBox.addEventListener("change", function () {
    state.yearEnabled = yearBox.checked;
    yearRange.disabled = !yearBox.checked;
    refresh(true);
  });
  yearRange.addEventListener("input", function () {
    state.year = parseInt(yearRange.value, 10);
    yearOut.textContent = yearRange.value;
    refresh(true);
  });
  undatedBox.addEventListener("change", function () {
    state.includeUndated = undatedBox.checked;
    refresh(true);
  });

  var edgeLabelBox = document.getElementById("ip4-edge-labels");
  edgeLabelBox.checked = edgeLabels;
  edgeLabelBox.addEventListener("change", function () {
    edgeLabels = edgeLabelBox.checked;
    edges.update(data.edges.map(function (e) { return { id: e.id, label: edgeLabels ? e.vis.label : "" }; }));
  });

  document.getElementById("ip4-show-uncertain").addEventListener("change", function (ev) {
    state.showUncertain = ev.target.checked;
    refresh(false);
  });

  /* ---- search: rank the matches (exact label, label prefix, word, anywhere),
   * select them, zoom to the best and open its panel; nothing is hidden ---- */
  var searchBox = document.getElementById("ip4-search");
  var searchStatus = document.getElementById("ip4-search-status");
  var searchResults = document.getElementById("ip4-search-results");
  function rank(n, q) {
    var label = n.vis.label.toLowerCase();
    if (label === q) return 0;
    if (label.indexOf(q) === 0) return 1;
    if ((" " + label).indexOf(" " + q) !== -1) return 2;
    if (n.search.indexOf(q) !== -1) return 3;
    return -1;
  }
  function search(text) {
    state.query = text.trim().toLowerCase();
    clear(searchResults);
    if (!state.query) {
      state.matches = [];
      searchStatus.textContent = "";
      network.unselectAll();
      network.fit({ animation: false });
      return;
    }
    var scored = [];
    data.nodes.forEach(function (n) {
      var r = rank(n, state.query);
      if (r >= 0) scored.push([r, n.vis.label.length, n.vis.label, n.id]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
    state.matches = scored.map(function (s) { return s[3]; });
    if (!state.matches.length) {
      searchStatus.textContent = "no match";
      network.unselectAll();
      return;
    }
    searchStatus.textContent = state.matches.length + (state.matches.length === 1 ? " match" : " matches");
    state.matches.slice(0, 8).forEach(function (id) {
      var li = el("li");
      var b = el("button", byId[id].vis.label, "goto");
      b.type = "button";
      b.setAttribute("data-node", id);
      b.addEventListener("click", function () { select(id, true); });
      li.appendChild(b);
      if (!nodeVisible(id)) li.appendChild(el("span", " (hidden by a filter)", "note"));
      searchResults.appendChild(li);
    });
    select(state.matches[0], true);
    var visible = state.matches.filter(nodeVisible);
    network.selectNodes(visible.length ? visible : [state.matches[0]]);
  }
  searchBox.addEventListener("input", function () { search(searchBox.value); });

  /* ---- layout switch ---- */
  var layoutSelect = document.getElementById("ip4-layout");
  function circular() {
    var ids = nodeView.getIds();
    var r = Math.max(200, ids.length * 12);
    network.setOptions({ layout: { hierarchical: { enabled: false } }, physics: { enabled: false } });
    ids.forEach(function (id, i) {
      var a = (2 * Math.PI * i) / ids.length;
      network.moveNode(id, r * Math.cos(a), r * Math.sin(a));
    });
    network.fit({ animation: false });
  }
  function setLayout(kind) {
    layoutSelect.value = kind;
    if (kind === "circular") { circular(); return; }
    var hier = kind === "hierarchical";
    network.setOptions({
      layout: { hierarchical: hier ? { enabled: true, direction: "UD", sortMethod: "directed", shakeTowards: "roots" } : { enabled: false } },
    });
    stabilize(options.physics && options.physics.stabilization ? options.physics.stabilization.iterations : 200);
  }
  layoutSelect.addEventListener("change", function () { setLayout(layoutSelect.value); });
  document.getElementById("ip4-physics").addEventListener("click", function () {
    setLayout(layoutSelect.value === "circular" ? "force" : layoutSelect.value);
  });
  document.getElementById("ip4-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  /* ---- export the current view ---- */
  function download(name, blob) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function fileBase() {
    return (data.title || "graph").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "graph";
  }
  function pngCanvas() {
    var source = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = source.width;
    out.height = source.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, 0);
    return out;
  }
  function exportPNG() {
    pngCanvas().toBlob(function (blob) { download(fileBase() + ".png", blob); }, "image/png");
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function polygon(shape, x, y, r) {
    var pts;
    if (shape === "diamond") pts = [[0, -r], [r, 0], [0, r], [-r, 0]];
    else if (shape === "triangle") pts = [[0, -r], [r * 0.87, r * 0.5], [-r * 0.87, r * 0.5]];
    else if (shape === "triangleDown") pts = [[0, r], [r * 0.87, -r * 0.5], [-r * 0.87, -r * 0.5]];
    else if (shape === "hexagon") pts = [0, 1, 2, 3, 4, 5].map(function (i) { var a = Math.PI / 3 * i; return [r * Math.cos(a), r * Math.sin(a)]; });
    else if (shape === "star") pts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(function (i) {
      var a = -Math.PI / 2 + Math.PI / 5 * i; var rr = i % 2 ? r * 0.45 : r; return [rr * Math.cos(a), rr * Math.sin(a)]; });
    else return null;
    return pts.map(function (p) { return (x + p[0]).toFixed(1) + "," + (y + p[1]).toFixed(1); }).join(" ");
  }
  /* The SVG of the nodes and links shown now, at their current positions. */
  function svgText() {
    var ids = nodeView.getIds();
    var pos = network.getPositions(ids);
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    ids.forEach(function (id) {
      var p = pos[id], r = byId[id].vis.size || 14;
      var half = Math.max(r, byId[id].vis.label.length * 3.9) + 8;  /* a 13px label is ~7.8px a character */
      minX = Math.min(minX, p.x - half); maxX = Math.max(maxX, p.x + half);
      minY = Math.min(minY, p.y - r - 10); maxY = Math.max(maxY, p.y + r + 24);
    });
    if (!ids.length) { minX = minY = 0; maxX = maxY = 100; }
    var svg = svgEl("svg", { xmlns: SVGNS, viewBox: [minX, minY, maxX - minX, maxY - minY].map(function (v) { return v.toFixed(1); }).join(" "),
      width: Math.round(maxX - minX), height: Math.round(maxY - minY), "font-family": "DejaVu Sans, Arial, sans-serif" });
    svg.appendChild(svgEl("title", {}, data.title));
    var defs = svgEl("defs", {});
    var marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
    marker.appendChild(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8a96a3" }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    svg.appendChild(svgEl("rect", { x: minX, y: minY, width: maxX - minX, height: maxY - minY, fill: "#ffffff" }));
    var gEdges = svgEl("g", { class: "edges" });
    edgeView.getIds().forEach(function (id) {
      var e = edgeById[id], a = pos[e.from], b = pos[e.to];
      if (!a || !b) return;
      var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
      var rb = (byId[e.to].vis.size || 14) + 2;
      var colour = e.denied ? "#b00020" : e.uncertain ? "#c77700" : "#8a96a3";
      var line = svgEl("line", { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: (b.x - dx / len * rb).toFixed(1), y2: (b.y - dy / len * rb).toFixed(1),
        stroke: colour, "stroke-width": 1, "marker-end": "url(#arrow)", "data-edge": id });
      if (e.uncertain || e.denied) line.setAttribute("stroke-dasharray", e.denied ? "2 4" : "6 4");
      line.appendChild(svgEl("title", {}, e.tip.heading));
      gEdges.appendChild(line);
    });
    svg.appendChild(gEdges);
    var gNodes = svgEl("g", { class: "nodes" });
    ids.forEach(function (id) {
      var n = byId[id], p = pos[id], r = n.vis.size || 14;
      var colour = n.vis.color.background;
      var g = svgEl("g", { class: "node", "data-node": id });
      var pts = polygon(n.vis.shape, p.x, p.y, r);
      var attrs = { fill: colour, stroke: id === data.focus ? "#111111" : "#ffffff", "stroke-width": id === data.focus ? 4 : 1 };
      var shape;
      if (pts) shape = svgEl("polygon", Object.assign({ points: pts }, attrs));
      else if (n.vis.shape === "square" || n.vis.shape === "box") shape = svgEl("rect", Object.assign({ x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r }, attrs));
      else shape = svgEl("circle", Object.assign({ cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: r }, attrs));
      g.appendChild(shape);
      g.appendChild(svgEl("text", { x: p.x.toFixed(1), y: (p.y + r + 14).toFixed(1), "text-anchor": "middle", "font-size": 13, fill: "#1d2733" }, n.vis.label));
      gNodes.appendChild(g);
    });
    svg.appendChild(gNodes);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  }
  function exportSVG() { download(fileBase() + ".svg", new Blob([svgText()], { type: "image/svg+xml" })); }
  document.getElementById("ip4-export-png").addEventListener("click", exportPNG);
  document.getElementById("ip4-export-svg").addEventListener("click", exportSVG);

  /* ---- start ---- */
  nodeView.refresh();
  edgeView.refresh();
  status();
  function onReady() {
    if (data.focus && byId[data.focus]) {
      network.selectNodes([data.focus]);
      network.focus(data.focus, { scale: 1.0, animation: false });
      showNode(data.focus);
    }
  }
  network.once("stabilizationIterationsDone", function () {
    stopPhysics();
    network.fit({ animation: false });
    onReady();
  });
  if (!options.physics || options.physics.enabled === false || data.nodes.length === 0) { stopPhysics(); onReady(); }
  /* Whatever happens, physics stops after 20 s so a large graph never keeps the page busy. */
  window.setTimeout(function () { if (!state.stabilized) stopPhysics(); }, 20000);
  if (data.layout === "circular") {
    layoutSelect.value = "circular";
    circular();
    stopPhysics();
    onReady();
  } else {
    layoutSelect.value = data.layout;
  }

  /* A small handle for tests and for people at the console. */
  window.ip4graph = {
    network: network,
    nodes: nodes,
    edges: edges,
    nodeView: nodeView,
    edgeView: edgeView,
    state: state,
    search: search,
    select: select,
    setLayout: setLayout,
    svgText: svgText,
  };
})();
