/* ip4graph timeline. Part of ip4graph (MIT licence). Text only: every label is set with textContent. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("ip4-data").textContent);
  var el = ip4panel.el;
  var byId = {}, edgesOf = {}, order = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  data.edges.forEach(function (e) {
    (edgesOf[e.from] = edgesOf[e.from] || []).push(e);
    if (e.to !== e.from) (edgesOf[e.to] = edgesOf[e.to] || []).push(e);
  });
  data.groups.forEach(function (key, i) { order[key] = i; });
  var itemById = {};
  data.items.forEach(function (i) { itemById[i.id] = i; });

  var state = { actor: "" };

  function content(item) {
    var span = el("span", item.content, "label");
    span.title = item.content + (item.style !== "stated" ? " (" + item.style + ")" : "");
    return span;
  }
  var items = new vis.DataSet(data.items.map(function (i) {
    var out = { id: i.id, content: content(i), start: i.start, type: i.type, group: i.group, className: i.className };
    if (i.end) out.end = i.end;
    return out;
  }));
  var view = new vis.DataView(items, {
    filter: function (item) { return !state.actor || itemById[item.id].actors.indexOf(state.actor) !== -1; },
  });
  var lanes = new vis.DataSet(data.lanes.map(function (l) {
    var head = el("span", l.content, "lane");
    head.style.borderLeft = "6px solid " + l.color;
    head.style.paddingLeft = "4px";
    return { id: l.id, content: head };
  }));
  var container = document.getElementById("ip4-timeline");
  var timeline = new vis.Timeline(container, view, lanes, Object.assign(data.window ? { start: data.window.start, end: data.window.end } : {}, {
    stack: true,
    orientation: "top",
    zoomKey: "ctrlKey",
    margin: { item: { horizontal: 4, vertical: 6 } },
    showCurrentTime: false,
    selectable: true,
    tooltip: { followMouse: false },
    align: "left",
  }));

  var details = document.getElementById("ip4-details");
  var statusEl = document.getElementById("ip4-status");
  function status() {
    statusEl.textContent = "Showing " + view.length + " of " + items.length + " items" +
      (state.actor ? " involving " + byId[state.actor].vis.label : "") + ".";
  }
  function showNode(id) {
    ip4panel.showNode(details, { byId: byId, edgesOf: edgesOf, order: order }, id, select);
  }
  function select(id) {
    if (itemById[id]) {
      if (view.get(id) === null) { setActor(""); }
      timeline.setSelection([id]);
      timeline.focus(id, { zoom: false, animation: false });
    } else {
      timeline.setSelection([]);
    }
    showNode(id);
  }
  timeline.on("select", function (props) { if (props.items.length) showNode(props.items[0]); });

  var actorSelect = document.getElementById("ip4-actor");
  data.actors.forEach(function (a) {
    var option = el("option", a.label + " (" + a.count + ")");
    option.value = a.id;
    actorSelect.appendChild(option);
  });
  /* Show the items ``ids`` with room on the right for the last labels (fit() leaves none). */
  function showItems(ids, all) {
    if (!ids.length) return;
    var starts = [], hi = -Infinity;
    ids.forEach(function (id) {
      var i = itemById[id];
      starts.push(parseInt(i.start.slice(0, 4), 10));
      hi = Math.max(hi, parseInt((i.end || i.start).slice(0, 4), 10));
    });
    starts.sort(function (a, b) { return a - b; });
    /* as the page opens: an early outlier (the 1949 treaty) is left for "Show all" */
    while (!all && starts.length > 1 && starts[1] - starts[0] > 25) starts.shift();
    var lo = starts[0];
    var pad = Math.max(4, Math.round((hi - lo) * 0.4));  // room on the right for the last labels
    timeline.setWindow((lo - 1) + "-01-01", (hi + pad) + "-01-01", { animation: false });
  }
  function setActor(id) {
    state.actor = id;
    actorSelect.value = id;
    view.refresh();
    status();
    showItems(view.getIds());
  }
  actorSelect.addEventListener("change", function () { setActor(actorSelect.value); });
  document.getElementById("ip4-fit").addEventListener("click", function () { showItems(view.getIds(), true); });

  if (data.actor && byId[data.actor]) setActor(data.actor);
  else status();
  timeline.once("changed", function () { document.body.setAttribute("data-ready", "true"); });
  window.setTimeout(function () { document.body.setAttribute("data-ready", "true"); }, 3000);

  window.ip4timeline = { timeline: timeline, items: items, view: view, state: state, select: select, setActor: setActor };
})();
