/* The ip4graph editor page.
   - Named queries as forms: typed fields (entity pickers completing from labels in en/fr/ja/ko and
     altLabels, years as numbers), run through /api/run, which binds the values (never pasted).
   - Results with labels, links to the entity pages, citations per row, and CSV export.
   - Vendored YASGUI for ad-hoc SPARQL: the predeclared prefixes are known to its checker,
     ip4: and ip4d: terms complete from /api/complete, result IRIs show their labels.
   All data is put into the page as text (textContent / attributes), never as HTML. */
(function () {
  "use strict";
  var ENTITY_BASES = [
    ["https://w3id.org/ip4graph/id/", "/id/"],
    ["https://w3id.org/ip4graph/claim/", "/claim/"]
  ];
  var examples = JSON.parse(document.getElementById("ip4-examples").textContent);
  var PREFIXES = JSON.parse(document.getElementById("ip4-prefixes").textContent);
  var endpoint = window.location.origin + "/sparql";
  var Yasgui = window.Yasgui;
  var Yasqe = window.Yasqe || Yasgui.Yasqe;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) { e.setAttribute(k, attrs[k]); }
      });
    }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function byName(name) {
    for (var i = 0; i < examples.length; i++) { if (examples[i].name === name) { return examples[i]; } }
    return null;
  }
  function localPath(iri) {
    for (var i = 0; i < ENTITY_BASES.length; i++) {
      var base = ENTITY_BASES[i][0];
      if (iri.indexOf(base) === 0 && iri.length > base.length) { return ENTITY_BASES[i][1] + iri.slice(base.length); }
    }
    return null;
  }
  function pagePath(iri) { return localPath(iri) || "/resource?iri=" + encodeURIComponent(iri); }
  function curie(iri) {
    for (var p in PREFIXES) {
      if (Object.prototype.hasOwnProperty.call(PREFIXES, p) && iri.indexOf(PREFIXES[p]) === 0 && iri.length > PREFIXES[p].length) {
        return p + ":" + iri.slice(PREFIXES[p].length);
      }
    }
    return iri;
  }
  function isWeb(url) { return /^https?:\/\//.test(url || ""); }

  // ------------------------------------------------------------------ the editor knows the prefixes
  // YASQE's checker marks a prefix not declared in the text as an error; the server predeclares
  // these, so every parse of the editor starts with them declared (the query text stays as typed).
  if (Yasqe && Yasqe.modes && Yasqe.modes.sparql11 && !Yasqe.modes.sparql11.ip4Wrapped) {
    var original = Yasqe.modes.sparql11;
    var wrapped = function (config, parserConfig) {
      var mode = original(config, parserConfig);
      var start = mode.startState;
      mode.startState = function () {
        var state = start.apply(this, arguments);
        state.prefixes = Object.assign({}, PREFIXES, state.prefixes || {});
        return state;
      };
      return mode;
    };
    wrapped.ip4Wrapped = true;
    Yasqe.defineMode("sparql11", wrapped);
  }

  // ip4: classes and properties, ip4d: entities, completed from this endpoint's own data.
  var completionCache = {};
  function complete(q, kind, limit) {
    var lang = document.getElementById("ip4-lang").value;
    var key = kind + "|" + lang + "|" + limit + "|" + q;
    if (!completionCache[key]) {
      var url = "/api/complete?" + new URLSearchParams({ q: q, kind: kind, lang: lang, limit: String(limit) });
      var body = document.body;
      body.dataset.ip4Completing = String(Number(body.dataset.ip4Completing || 0) + 1);
      var settle = function (hits) {
        body.dataset.ip4Completing = String(Number(body.dataset.ip4Completing) - 1);
        return hits;
      };
      completionCache[key] = fetch(url).then(function (r) { return r.ok ? r.json() : []; })
        .catch(function () { return []; }).then(settle);
    }
    return completionCache[key];
  }
  var lastTermHits = {};
  if (Yasqe && Yasqe.registerAutocompleter) {
    Yasqe.registerAutocompleter({
      name: "ip4terms",
      bulk: false,
      autoShow: true,
      isValidCompletionPosition: function (yasqe) {
        var token = yasqe.getCompleteToken();
        return /^(ip4|ip4d):/.test(token.string || "");
      },
      get: function (yasqe, token) {
        var text = token.string || "";
        return complete(text, text.indexOf("ip4d:") === 0 ? "entity" : "term", 30).then(function (hits) {
          hits.forEach(function (h) { lastTermHits[h.curie] = h; });
          return hits.map(function (h) { return h.curie; });
        });
      },
      postprocessHints: function (yasqe, hints) {
        hints.forEach(function (h) {
          var hit = lastTermHits[h.text];
          if (hit) { h.displayText = h.text + "  \u2014 " + hit.label + (hit.type ? " (" + hit.type + ")" : ""); }
        });
        return hints;
      }
    }, false);
  }

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    yasqe: { autocompleters: ["prefixes", "variables", "ip4terms"] }
  });

  // Tables show typed values plainly ("false", 2016), not "false"^^xsd:boolean.
  function plainTable(tab) {
    var yasr = tab && tab.getYasr && tab.getYasr();
    if (yasr && yasr.config && yasr.config.plugins && yasr.config.plugins.table) {
      var conf = yasr.config.plugins.table;
      if (!conf.dynamicConfig || conf.dynamicConfig.compact === undefined) {
        conf.dynamicConfig = Object.assign({}, conf.dynamicConfig || {}, { compact: true });
      }
    }
  }
  yasgui.on("queryBefore", function (y, tab) { plainTable(tab); });
  yasgui.on("tabSelect", function () { plainTable(yasgui.getTab()); });

  // ------------------------------------------------------------------ named queries as forms
  var form = document.getElementById("ip4-form");
  var fieldsBox = document.getElementById("ip4-fields");
  var current = null;
  var pickerCount = 0;

  function entityPicker(p, input) {
    var id = "ip4-suggest-" + (++pickerCount);
    var box = el("div", { "class": "ip4-picker" });
    var list = el("ul", { "class": "ip4-suggestions", role: "listbox", id: id, hidden: "" });
    var picked = el("span", { "class": "ip4-picked" });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("placeholder", "a label in any language, a CURIE or an IRI");
    box.appendChild(input);
    box.appendChild(picked);
    box.appendChild(list);
    var hits = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; mark(); }
    function choose(h) {
      input.value = h.label;
      input.dataset.value = h.curie;
      picked.textContent = h.curie;
      picked.title = h.iri;
      close();
    }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) { input.setAttribute("aria-activedescendant", id + "-" + active); }
      else { input.removeAttribute("aria-activedescendant"); }
    }
    function show(found) {
      hits = found;
      list.textContent = "";
      found.forEach(function (h, i) {
        var li = el("li", { role: "option", "class": "ip4-suggestion", "data-iri": h.iri, id: id + "-" + i });
        li.appendChild(el("span", { "class": "ip4-s-label" }, h.label));
        if (h.matched && h.matched !== h.label) {
          li.appendChild(el("span", { "class": "ip4-s-matched", lang: h.lang || null }, h.matched));
        }
        li.appendChild(el("span", { "class": "ip4-s-meta" }, h.curie + (h.type ? " \u00b7 " + h.type : "")));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(h); });
        list.appendChild(li);
      });
      active = -1;
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
    }
    input.addEventListener("input", function () {
      delete input.dataset.value;
      picked.textContent = "";
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { close(); return; }
      var ticket = ++asked;
      timer = setTimeout(function () {
        complete(q, "entity", 10).then(function (found) { if (ticket === asked) { show(found); } });
      }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) { return; }
      if (ev.key === "ArrowDown") { active = Math.min(hits.length - 1, active + 1); mark(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(0, active - 1); mark(); ev.preventDefault(); }
      else if (ev.key === "Enter" && active >= 0) { choose(hits[active]); ev.preventDefault(); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    if (p.default) {
      input.value = p.defaultLabel || p.default;
      input.dataset.value = p.default;
      picked.textContent = p.default;
    }
    return box;
  }

  function field(p) {
    var id = "ip4-param-" + p.name;
    var row = el("div", { "class": "ip4-field" + (p.required ? " ip4-required" : "") });
    var lab = el("label", { "for": id }, p.name);
    if (p.required) { lab.appendChild(el("span", { "class": "ip4-star", title: "required" }, " *")); }
    row.appendChild(lab);
    var input;
    if (p.type === "year" || p.type === "integer") {
      input = el("input", { type: "number", id: id, name: p.name, step: "1",
                            min: p.type === "year" ? "1000" : null, max: p.type === "year" ? "2999" : null });
      if (p.default) { input.value = p.default; }
    } else if (p.type === "date") {
      input = el("input", { type: "date", id: id, name: p.name });
      if (p.default) { input.value = p.default; }
    } else if (p.type === "boolean") {
      input = el("select", { id: id, name: p.name });
      ["true", "false"].forEach(function (v) { input.appendChild(el("option", { value: v }, v)); });
      if (p.default) { input.value = p.default; }
    } else {
      input = el("input", { type: "text", id: id, name: p.name });
      if (p.default && p.type !== "entity") { input.value = p.default; }
    }
    if (p.required) { input.required = true; }
    input.dataset.type = p.type;
    row.appendChild(p.type === "entity" ? entityPicker(p, input) : input);
    row.appendChild(el("span", { "class": "ip4-type" }, p.type));
    row.appendChild(el("span", { "class": "ip4-desc" }, p.description));
    return row;
  }

  function openForm(name) {
    var x = byName(name);
    if (!x) { return null; }
    current = x;
    document.getElementById("ip4-form-title").textContent = x.title;
    document.getElementById("ip4-form-question").textContent = x.question;
    fieldsBox.textContent = "";
    if (!x.params.length) { fieldsBox.appendChild(el("p", { "class": "ip4-noparams" }, "This query has no parameters.")); }
    x.params.forEach(function (p) { fieldsBox.appendChild(field(p)); });
    form.dataset.name = x.name;
    document.querySelectorAll("button.ip4-example").forEach(function (b) {
      b.classList.toggle("ip4-current", b.getAttribute("data-name") === name);
    });
    return x;
  }

  function formValues() {
    var values = {};
    fieldsBox.querySelectorAll("input, select").forEach(function (input) {
      var v = input.dataset.value || input.value.trim();
      if (v !== "") { values[input.name] = v; }
    });
    return values;
  }

  // ------------------------------------------------------------------ running, results, export
  var resultsBox = document.getElementById("ip4-results");
  var statusBox = document.getElementById("ip4-status");
  var exportLink = document.getElementById("ip4-export");
  var last = null; // {fields: {...}} of the last run, re-run when a toggle changes

  function options() {
    return {
      labels: document.getElementById("ip4-labels").checked ? "1" : "0",
      cite: document.getElementById("ip4-cite").checked ? "1" : "0",
      lang: document.getElementById("ip4-lang").value
    };
  }

  function run(fields) {
    last = { fields: fields };
    var params = new URLSearchParams(Object.assign({}, fields, options()));
    var csv = new URLSearchParams(params);
    csv.set("format", "csv");
    exportLink.href = "/api/run?" + csv.toString();
    exportLink.setAttribute("download", (fields.name || "query") + ".csv");
    exportLink.hidden = false;
    statusBox.textContent = "running\u2026";
    resultsBox.setAttribute("aria-busy", "true");
    var request = fields.query
      ? fetch("/api/run", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: params.toString() })
      : fetch("/api/run?" + params.toString());
    return request.then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      var body = type.indexOf("json") >= 0 ? r.json() : r.text().then(function (t) { return { error: t }; });
      return body.then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    }).then(function (res) {
      resultsBox.removeAttribute("aria-busy");
      if (!res.ok) {
        exportLink.hidden = true;
        statusBox.textContent = "";
        resultsBox.textContent = "";
        resultsBox.appendChild(el("pre", { "class": "ip4-error", role: "alert" }, res.data.error || ("error " + res.status)));
        return;
      }
      render(res.data);
    }).catch(function (err) {
      resultsBox.removeAttribute("aria-busy");
      statusBox.textContent = "";
      resultsBox.textContent = "";
      resultsBox.appendChild(el("pre", { "class": "ip4-error", role: "alert" }, String(err)));
    });
  }

  function termCell(term, labelTerm) {
    var td = el("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = el("a", { href: pagePath(term.value), title: term.value, "class": "ip4-iri" },
                 labelTerm ? labelTerm.value : curie(term.value));
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", { "class": "ip4-bnode" }, "[blank node]"));
    } else {
      var iris = term.value.split(/\s+/).filter(Boolean);
      var list = iris.length > 0 && iris.every(isWeb) && !term.datatype && !term["xml:lang"];
      var span = el("span", { "class": "ip4-literal", title: list ? iris.join("\n") : (term.datatype ? curie(term.datatype) : null),
                              lang: term["xml:lang"] || null },
                    list && labelTerm ? labelTerm.value : term.value);
      td.appendChild(span);
    }
    return td;
  }

  function citationCell(cites) {
    var td = el("td", { "class": "ip4-cites" });
    (cites || []).forEach(function (c) {
      var d = el("div", { "class": "ip4-cite" });
      if (c.quote) { d.appendChild(el("q", null, c.quote)); }
      var meta = el("span", { "class": "ip4-cite-meta" });
      if (c.source_iri) {
        meta.appendChild(el("a", { href: pagePath(c.source_iri), title: c.source_iri }, c.source || curie(c.source_iri)));
      } else if (c.source) {
        meta.appendChild(document.createTextNode(c.source));
      }
      if (c.paragraph !== null && c.paragraph !== undefined) { meta.appendChild(el("span", { "class": "ip4-para" }, "\u00b6\u00a0" + c.paragraph)); }
      if (c.certainty) { meta.appendChild(el("span", { "class": "ip4-certainty" }, c.certainty)); }
      if (isWeb(c.source_url)) {
        meta.appendChild(el("a", { href: c.source_url, rel: "noopener noreferrer nofollow", "class": "ip4-original" }, "original"));
      }
      meta.appendChild(el("a", { href: pagePath(c.claim_iri), title: c.claim_iri, "class": "ip4-claim" }, c.claim));
      d.appendChild(meta);
      td.appendChild(d);
    });
    return td;
  }

  function render(data) {
    resultsBox.textContent = "";
    var info = data.ip4graph || {};
    if (data.graph !== undefined) {
      statusBox.textContent = data.triples + (data.triples === 1 ? " triple" : " triples") + (info.truncated ? " (cut at the row limit)" : "");
      var csvHref = exportLink.getAttribute("href") || "";
      exportLink.href = csvHref.replace("format=csv", "format=ttl");
      exportLink.setAttribute("download", (info.name || "query") + ".ttl");
      exportLink.textContent = "Export Turtle";
      resultsBox.appendChild(el("pre", { "class": "ip4-graph" }, data.graph));
      return;
    }
    exportLink.textContent = "Export CSV";
    if (data.boolean !== undefined) {
      exportLink.hidden = true;
      statusBox.textContent = "";
      resultsBox.appendChild(el("p", { "class": "ip4-boolean" }, data.boolean ? "yes" : "no"));
      return;
    }
    var vars = data.head.vars;
    var labelOf = info.labels || {};
    var labelCols = {};
    Object.keys(labelOf).forEach(function (k) { labelCols[labelOf[k]] = true; });
    var shown = vars.filter(function (v) { return !labelCols[v] && v.indexOf("cite_") !== 0; });
    var cites = info.citations;
    var table = el("table", { "class": "ip4-table" });
    var head = el("tr");
    shown.forEach(function (v) { head.appendChild(el("th", { scope: "col" }, v)); });
    if (cites) { head.appendChild(el("th", { scope: "col" }, "sources")); }
    table.appendChild(el("thead")).appendChild(head);
    var tbody = el("tbody");
    data.results.bindings.forEach(function (b, i) {
      var tr = el("tr");
      shown.forEach(function (v) { tr.appendChild(termCell(b[v], labelOf[v] ? b[labelOf[v]] : null)); });
      if (cites) { tr.appendChild(citationCell(cites[i])); }
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    var n = data.results.bindings.length;
    var from = info.name ? (byName(info.name) || { title: info.name }).title : "the editor's query";
    statusBox.textContent = n + (n === 1 ? " row" : " rows") + (info.truncated ? " (cut at the row limit)" : "") +
      " · " + from + (info.note ? " · " + info.note : "");
    var bound = info.params || {};
    var names = Object.keys(bound);
    if (names.length) {
      var p = el("p", { "class": "ip4-bound" }, "bound: ");
      names.forEach(function (k, i) {
        if (i) { p.appendChild(document.createTextNode(", ")); }
        p.appendChild(el("code", null, "?" + k));
        p.appendChild(document.createTextNode(" = "));
        var v = bound[k].value;
        if (isWeb(v)) { p.appendChild(el("a", { href: pagePath(v), title: v }, bound[k].label)); }
        else { p.appendChild(el("span", null, bound[k].label)); }
      });
      resultsBox.appendChild(p);
    }
    resultsBox.appendChild(n ? table : el("p", { "class": "ip4-empty" }, "No rows."));
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!current) { return; }
    run(Object.assign({ name: current.name }, formValues()));
  });
  ["ip4-labels", "ip4-cite", "ip4-lang"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () { if (last) { run(last.fields); } });
  });
  document.getElementById("ip4-run-editor").addEventListener("click", function () {
    run({ query: yasgui.getTab().getYasqe().getValue() });
  });

  // ------------------------------------------------------------------ the form's query in the editor
  function boundHeader(x, values) {
    var names = Object.keys(values);
    if (!names.length) { return ""; }
    return "# Bound by this tab's request (not by this text): " +
      names.map(function (k) { return "?" + k + " = " + values[k]; }).join(", ") + "\n" +
      "# To change a value, edit the form above and press \u201cOpen in editor\u201d again.\n";
  }
  function argsFor(values) {
    // The request binds each value as $name: entities resolved by the form's picker are CURIEs;
    // other entity text is resolved on the server when the form runs, so the editor gets CURIEs only.
    var args = [];
    Object.keys(values).forEach(function (k) {
      var v = values[k];
      var input = document.getElementById("ip4-param-" + k);
      var type = input ? input.dataset.type : "string";
      var term;
      if (type === "entity" || type === "iri") { term = /^[a-z][\w-]*:\S*$/i.test(v) && !/^https?:/.test(v) ? v : "<" + v + ">"; }
      else if (type === "year" || type === "integer") { term = String(parseInt(v, 10)); }
      else if (type === "boolean") { term = v === "true" ? "true" : "false"; }
      else if (type === "date") { term = JSON.stringify(v) + "^^xsd:date"; }
      else { term = JSON.stringify(v); }
      args.push({ name: "$" + k, value: term });
    });
    return args;
  }
  function openInEditor(x, values) {
    var tab = yasgui.addTab(true, {
      name: x.title,
      yasqe: { value: boundHeader(x, values) + x.query },
      requestConfig: { endpoint: endpoint, method: "POST", args: argsFor(values) }
    });
    return tab;
  }
  document.getElementById("ip4-open-editor").addEventListener("click", function () {
    if (!current) { return; }
    var values = formValues();
    var bad = Object.keys(values).filter(function (k) {
      var input = document.getElementById("ip4-param-" + k);
      return input && input.dataset.type === "entity" && !input.dataset.value && !/^(https?:\/\/|[a-z][\w-]*:)/i.test(values[k]);
    });
    if (bad.length) {
      statusBox.textContent = "pick " + bad.join(", ") + " from the suggestions first (the editor binds CURIEs or IRIs)";
      return;
    }
    openInEditor(current, values);
    document.getElementById("ip4-editor").scrollIntoView({ block: "start" });
  });
  window.ip4OpenExample = function (name) {
    var x = openForm(name);
    return x;
  };

  document.querySelectorAll("button.ip4-example").forEach(function (b) {
    b.addEventListener("click", function () {
      openForm(b.getAttribute("data-name"));
      document.getElementById("ip4-form-panel").scrollIntoView({ block: "nearest" });
    });
  });

  // First visit: the IP4 members query in the form and in the editor's first tab.
  var tabs = Object.keys(yasgui._tabs || {});
  if (examples.length) {
    var first = byName("ip4-members") || examples[0];
    openForm(first.name);
    var tab = yasgui.getTab();
    if (tab && tabs.length === 1) {
      var values = formValues();
      tab.setName(first.title);
      tab.getYasqe().setValue(boundHeader(first, values) + first.query);
      tab.setRequestConfig({ endpoint: endpoint, method: "POST", args: argsFor(values) });
      plainTable(tab);
    }
  }

  // ------------------------------------------------------------------ YASR: links to entity pages, with labels
  var labelCache = {};
  var waiting = [];
  var labelTimer = null;
  function wantLabels() { return document.getElementById("ip4-labels").checked; }
  function askLabels() {
    labelTimer = null;
    var anchors = waiting;
    waiting = [];
    var lang = document.getElementById("ip4-lang").value;
    var show = function () {
      anchors.forEach(function (a) {
        var name = labelCache[lang + " " + a.getAttribute("title")];
        if (!a.dataset.ip4Curie) { a.dataset.ip4Curie = a.textContent; }
        if (name && wantLabels()) { a.textContent = name; a.classList.add("ip4-labelled"); }
        else { a.textContent = a.dataset.ip4Curie; a.classList.remove("ip4-labelled"); }
      });
    };
    var missing = [];
    anchors.forEach(function (a) {
      var iri = a.getAttribute("title");
      if (!((lang + " " + iri) in labelCache) && missing.indexOf(iri) < 0) { missing.push(iri); }
    });
    if (!missing.length || !wantLabels()) { show(); return; }
    var params = new URLSearchParams({ lang: lang });
    missing.slice(0, 500).forEach(function (iri) { params.append("iri", iri); });
    fetch("/api/labels?" + params.toString()).then(function (r) { return r.ok ? r.json() : {}; }).then(function (found) {
      missing.forEach(function (iri) { labelCache[lang + " " + iri] = found[iri] || null; });
      show();
    }).catch(function () {});
  }
  function relabel() {
    document.querySelectorAll("#yasgui a[data-ip4-done][title]:not(.ip4-graph-link)").forEach(function (a) { waiting.push(a); });
    if (!labelTimer) { labelTimer = setTimeout(askLabels, 0); }
  }
  ["ip4-labels", "ip4-lang"].forEach(function (id) { document.getElementById(id).addEventListener("change", relabel); });
  function localise(a) {
    if (a.dataset.ip4Done) { return; }
    var href = a.getAttribute("href") || "";
    var local = localPath(href);
    if (!local) { return; }
    a.dataset.ip4Done = "1";
    a.setAttribute("href", local);
    a.removeAttribute("target");
    a.setAttribute("title", href);
    waiting.push(a);
    if (!labelTimer) { labelTimer = setTimeout(askLabels, 30); }
    if (local.indexOf("/id/") === 0) {
      var g = el("a", { "class": "ip4-graph-link", href: "/graph?focus=" + encodeURIComponent(href), title: "graph view" }, "\u25CE graph");
      g.dataset.ip4Done = "1";
      a.insertAdjacentElement("afterend", g);
    }
  }
  function scan(root) {
    if (root.querySelectorAll) {
      root.querySelectorAll("a[href^='https://w3id.org/ip4graph/']").forEach(localise);
    }
  }
  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      m.addedNodes.forEach(function (n) {
        if (n.nodeType === 1) {
          if (n.matches && n.matches("a[href^='https://w3id.org/ip4graph/']")) { localise(n); }
          scan(n);
        }
      });
    });
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
  window.ip4Yasgui = yasgui;
})();
