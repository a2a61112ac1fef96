/* The ip4graph SPARQL editor: vendored YASGUI pointed at this server's /sparql, the named
   queries of the catalog as examples, and result IRIs linked to the entity pages. */
(function () {
  "use strict";
  var ENTITY_BASES = [
    ["https://w3id.org/ip4graph/id/", "/id/"],
    ["https://w3id.org/ip4graph/claim/", "/claim/"]
  ];
  var examples = JSON.parse(document.getElementById("ip4-examples").textContent);
  var endpoint = window.location.origin + "/sparql";
  var Yasgui = window.Yasgui;

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    yasqe: { autocompleters: ["prefixes", "variables"] }
  });

  function exampleConfig(x) {
    var header = "";
    if (x.args.length) {
      header += "# parameters bound by the request: " +
        x.args.map(function (a) { return a.name + "=" + a.value; }).join(", ") + "\n";
    }
    if (x.required.length) {
      header += "# required parameters (bind them with $name=value): " + x.required.join(", ") + "\n";
    }
    return {
      name: x.title,
      yasqe: { value: header + x.query },
      requestConfig: { endpoint: endpoint, method: "POST", args: x.args }
    };
  }

  function openExample(name) {
    for (var i = 0; i < examples.length; i++) {
      if (examples[i].name === name) {
        return yasgui.addTab(true, exampleConfig(examples[i]));
      }
    }
    return null;
  }
  window.ip4OpenExample = openExample;

  document.querySelectorAll("button.ip4-example").forEach(function (b) {
    b.addEventListener("click", function () { openExample(b.getAttribute("data-name")); });
  });

  // First visit: one tab with the first example (the IP4 members if present).
  var tabs = Object.keys(yasgui._tabs || {});
  if (examples.length) {
    var first = examples.filter(function (x) { return x.name === "ip4-members"; })[0] || examples[0];
    var tab = yasgui.getTab();
    if (tab && tabs.length === 1) {
      tab.setName(first.title);
      tab.getYasqe().setValue(exampleConfig(first).yasqe.value);
      tab.setRequestConfig({ endpoint: endpoint, method: "POST", args: first.args });
    }
  }

  // Result IRIs of this graph open their entity page here, with a link to the graph view.
  function localise(a) {
    if (a.dataset.ip4Done) { return; }
    var href = a.getAttribute("href") || "";
    for (var i = 0; i < ENTITY_BASES.length; i++) {
      var base = ENTITY_BASES[i][0];
      if (href.indexOf(base) === 0 && href.length > base.length) {
        a.dataset.ip4Done = "1";
        a.setAttribute("href", ENTITY_BASES[i][1] + href.slice(base.length));
        a.removeAttribute("target");
        a.setAttribute("title", href);
        if (ENTITY_BASES[i][1] === "/id/") {
          var g = document.createElement("a");
          g.className = "ip4-graph-link";
          g.dataset.ip4Done = "1";
          g.setAttribute("href", "/graph?focus=" + encodeURIComponent(href));
          g.setAttribute("title", "graph view");
          g.textContent = "\u25CE graph";
          a.insertAdjacentElement("afterend", g);
        }
        return;
      }
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
