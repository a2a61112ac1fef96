/* ip4graph relationship viewer. Part of ip4graph (MIT licence).
 * Builds every piece of text with textContent: data is never parsed as HTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("ip4-data").textContent);
  var state = {
    classes: {},          // class key -> enabled
    yearEnabled: false,
    year: data.years.max,
    showUncertain: true,
    query: "",
    matches: null,        // Set of node ids matching the search, or null
    shown: null,          // Set of node ids kept by the search (matches + neighbours)
    stabilized: false,
  };
  data.classes.forEach(function (c) { state.classes[c.key] = true; });

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  /* A tooltip / details element from {heading, flag, rows: [[k, v]], quotes: [{text, source}]}. */
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
  var edgeItems = data.edges.map(function (e) {
    var item = Object.assign({}, e.vis);
    item.id = e.id;
    item.from = e.from;
    item.to = e.to;
    item.title = tipElement(e.tip);
    return item;
  });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);

  function yearOk(item) {
    if (!state.yearEnabled || item.startYear === null || item.startYear === undefined) return true;
    if (item.startYear > state.year) return false;
    return item.endYear === null || item.endYear === undefined || item.endYear >= state.year;
  }
  function nodeVisible(id) {
    var n = byId[id];
    if (!n || !state.classes[n.classKey]) return false;
    if (!yearOk(n)) return false;
    return state.shown === null || state.shown.has(id);
  }
  function edgeVisible(id) {
    var e = edgeById[id];
    if (!e) return false;
    if (!state.showUncertain && (e.uncertain || e.denied)) return false;
    return yearOk(e) && nodeVisible(e.from) && nodeVisible(e.to);
  }

  var nodeView = new vis.DataView(nodes, { filter: function (item) { return nodeVisible(item.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (item) { return edgeVisible(item.id); } });

  var container = document.getElementById("ip4-network");
  var options = data.options;
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  var statusEl = document.getElementById("ip4-status");
  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    statusEl.textContent = "Showing " + nodeView.length + " of " + nodes.length + " nodes and " +
      edgeView.length + " of " + edges.length + " links.";
  }

  function stopPhysics() {
    network.setOptions({ physics: { enabled: false } });
    state.stabilized = true;
    document.body.setAttribute("data-stabilized", "true");
  }
  network.once("stabilizationIterationsDone", stopPhysics);
  if (!options.physics || options.physics.enabled === false || data.nodes.length === 0) stopPhysics();
  /* Whatever happens, physics stops after 20 s so a large graph never keeps the page busy. */
  window.setTimeout(function () { if (!state.stabilized) stopPhysics(); }, 20000);

  /* ---- details panel ---- */
  var details = document.getElementById("ip4-details");
  function showDetails(tip) {
    while (details.firstChild) details.removeChild(details.firstChild);
    details.appendChild(tipElement(tip));
  }
  network.on("click", function (params) {
    if (params.nodes.length) showDetails(byId[params.nodes[0]].tip);
    else if (params.edges.length) showDetails(edgeById[params.edges[0]].tip);
  });

  /* ---- legend and class filter ---- */
  var legend = document.getElementById("ip4-legend");
  data.classes.forEach(function (c) {
    var li = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-class", c.key);
    box.addEventListener("change", function () { state.classes[c.key] = box.checked; refresh(); });
    var swatch = el("span", c.glyph, "swatch");
    swatch.style.color = c.color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", c.label, "name"));
    label.appendChild(el("span", c.count, "count"));
    li.appendChild(label);
    legend.appendChild(li);
  });

  /* ---- year filter ---- */
  var yearBox = document.getElementById("ip4-year-enabled");
  var yearRange = document.getElementById("ip4-year");
  var yearOut = document.getElementById("ip4-year-value");
  if (data.years.min === null) {
    yearBox.disabled = true;
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
    refresh();
  });
  yearRange.addEventListener("input", function () {
    state.year = parseInt(yearRange.value, 10);
    yearOut.textContent = yearRange.value;
    refresh();
  });

  document.getElementById("ip4-show-uncertain").addEventListener("change", function (ev) {
    state.showUncertain = ev.target.checked;
    refresh();
  });

  /* ---- search: keep the matches and their neighbours, select and focus the matches ---- */
  var searchBox = document.getElementById("ip4-search");
  var searchStatus = document.getElementById("ip4-search-status");
  var neighbours = {};
  data.edges.forEach(function (e) {
    (neighbours[e.from] = neighbours[e.from] || []).push(e.to);
    (neighbours[e.to] = neighbours[e.to] || []).push(e.from);
  });
  function search(text) {
    state.query = text.trim().toLowerCase();
    if (!state.query) {
      state.matches = null;
      state.shown = null;
      searchStatus.textContent = "";
      refresh();
      network.unselectAll();
      return;
    }
    var matches = new Set();
    data.nodes.forEach(function (n) {
      if (n.search.indexOf(state.query) !== -1) matches.add(n.id);
    });
    var shown = new Set(matches);
    matches.forEach(function (id) { (neighbours[id] || []).forEach(function (o) { shown.add(o); }); });
    state.matches = matches;
    state.shown = shown;
    refresh();
    var visibleMatches = Array.from(matches).filter(nodeVisible);
    searchStatus.textContent = matches.size + (matches.size === 1 ? " match" : " matches") +
      " (shown with their neighbours)";
    network.selectNodes(visibleMatches);
    if (visibleMatches.length) network.fit({ nodes: visibleMatches.concat(Array.from(shown).filter(nodeVisible)), animation: false });
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
      physics: { enabled: true },
    });
    state.stabilized = false;
    network.once("stabilizationIterationsDone", stopPhysics);
    network.stabilize(options.physics && options.physics.stabilization ? options.physics.stabilization.iterations : 200);
  }
  layoutSelect.addEventListener("change", function () { setLayout(layoutSelect.value); });
  document.getElementById("ip4-physics").addEventListener("click", function () {
    setLayout(layoutSelect.value === "circular" ? "force" : layoutSelect.value);
  });

  refresh();
  if (data.layout === "circular") {
    layoutSelect.value = "circular";
    circular();
    stopPhysics();
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
    setLayout: setLayout,
  };
})();
