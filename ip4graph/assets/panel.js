/* ip4graph details panel, shared by the graph and the timeline pages. Part of ip4graph (MIT licence).
 * A node's kind, dates and note, its entity page and Wikidata/DBpedia links, every relation
 * and the claims behind each (quote, source, paragraph, certainty). Text only: textContent. */
(function () {
  "use strict";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function link(text, href) {
    var a = el("a", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function claimList(claims) {
    var ul = el("ul", null, "claims");
    claims.forEach(function (c) {
      var li = el("li", null, "claim");
      if (c.quote) li.appendChild(el("blockquote", "\u201c" + c.quote + "\u201d"));
      var cite = el("div", null, "cite");
      cite.appendChild(document.createTextNode("\u2014 "));
      if (!c.source && !c.quote) cite.appendChild(document.createTextNode("no provenance recorded"));
      else if (c.sourceUrl) cite.appendChild(link(c.source || "source", c.sourceUrl));
      else cite.appendChild(document.createTextNode(c.source || "source"));
      if (c.paragraph) cite.appendChild(document.createTextNode(", paragraph " + c.paragraph));
      if (c.certainty) cite.appendChild(el("span", " \u00b7 " + c.certainty, "certainty " + c.certainty.toLowerCase()));
      if (c.claimPage) {
        cite.appendChild(document.createTextNode(" \u00b7 "));
        cite.appendChild(link("claim", c.claimPage));
      }
      li.appendChild(cite);
      ul.appendChild(li);
    });
    return ul;
  }

  /* Fill ``details`` with node ``id``. ctx: {byId, edgesOf, order (group key -> rank)};
   * onGoto(id) is called when the other end of a relation is clicked. */
  function showNode(details, ctx, id, onGoto) {
    var n = ctx.byId[id];
    if (!n) return;
    clear(details);
    var root = el("div", null, "ip4-panel");
    root.setAttribute("data-node", id);
    root.appendChild(el("h3", n.vis.label));
    root.appendChild(el("p", n.className, "kind"));
    var dl = el("dl");
    n.tip.rows.forEach(function (row) {
      if (row[0] === "type") return;
      dl.appendChild(el("dt", row[0]));
      dl.appendChild(el("dd", row[1]));
    });
    root.appendChild(dl);
    var links = el("p", null, "links");
    if (n.page) links.appendChild(link("Entity page", n.page));
    n.links.forEach(function (l) {
      if (links.childNodes.length) links.appendChild(document.createTextNode(" \u00b7 "));
      links.appendChild(link(l.label, l.href));
    });
    if (links.childNodes.length) root.appendChild(links);
    var order = ctx.order || {};
    function otherOf(e) { return ctx.byId[e.from === id ? e.to : e.from]; }
    var rels = (ctx.edgesOf[id] || []).filter(otherOf).sort(function (a, b) {
      var oa = otherOf(a), ob = otherOf(b);
      var ka = [order[oa.classKey] || 0, oa.vis.label.toLowerCase()], kb = [order[ob.classKey] || 0, ob.vis.label.toLowerCase()];
      return ka[0] - kb[0] || (ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : 0);
    });
    root.appendChild(el("h4", "Relations (" + rels.length + ")"));
    var ul = el("ul", null, "relations");
    rels.forEach(function (e) {
      var outgoing = e.from === id;
      var other = otherOf(e);
      var li = el("li", null, "relation" + (e.denied ? " denied" : e.uncertain ? " uncertain" : ""));
      li.setAttribute("data-edge", e.id);
      var head = el("div", null, "relation-head");
      var label = e.vis.label;
      head.appendChild(document.createTextNode(outgoing ? label + " \u2192 " : "\u2190 " + label + " "));
      var go = el("button", other.vis.label, "goto");
      go.type = "button";
      go.setAttribute("data-node", other.id);
      go.addEventListener("click", function () { onGoto(other.id); });
      head.appendChild(go);
      li.appendChild(head);
      var meta = [];
      if (e.certainty !== "Stated") meta.push(e.certainty.toLowerCase());
      if (e.period) meta.push(e.period);
      if (meta.length) li.appendChild(el("div", meta.join("; "), "note"));
      if (e.claims.length) li.appendChild(claimList(e.claims));
      else li.appendChild(el("div", "no claim recorded (inferred or entity data)", "note"));
      ul.appendChild(li);
    });
    root.appendChild(ul);
    details.appendChild(root);
    details.scrollTop = 0;
  }

  window.ip4panel = { el: el, link: link, clear: clear, claimList: claimList, showNode: showNode };
})();
