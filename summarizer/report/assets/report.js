/* summarizer review report.
 * Renders the digests embedded as JSON in #report-data: an index (searchable, paged) and one
 * article at a time. Every string from the data is inserted as text (textContent, text
 * nodes, attribute values), never parsed as HTML.
 */
(() => {
  "use strict";

  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const ARTICLES = DATA.articles;  // index entries; full articles are parsed when opened
  let LINES = null;
  const FULL = new Map();

  /* The full data of article i: its index entry plus line i of #report-articles (one JSON
   * document per line), parsed on first use, so opening the report parses only the index. */
  function full(i) {
    if (!FULL.has(i)) {
      if (LINES === null) LINES = document.getElementById("report-articles").textContent.split("\n");
      FULL.clear();  // keep one article: memory stays flat however many are visited
      FULL.set(i, Object.assign({}, ARTICLES[i], JSON.parse(LINES[i])));
    }
    return FULL.get(i);
  }
  const FIELDS = ["parties", "instruments", "sectors", "targets"];
  const LABEL = {summary: "Summary", parties: "Parties", instruments: "Instruments",
                 sectors: "Sectors", targets: "Targets"};
  const SINGULAR = {summary: "Summary", parties: "Party", instruments: "Instrument",
                    sectors: "Sector", targets: "Target"};
  const SCROLL = matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  const app = document.getElementById("app");
  const OVERVIEW = DATA.overview;
  const FILTERS = OVERVIEW ? OVERVIEW.filters : [];
  const SVG_NS = "http://www.w3.org/2000/svg";
  const state = {query: "", warningsOnly: false, matches: null, page: 1, filter: null};

  // ------------------------------------------------------------------ helpers

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "data") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(2)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child);
    }
    return node;
  }

  const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const clip = (s, n) => (s.length <= n ? s : s.slice(0, n - 1) + "\u2026");
  const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");
  const keyOf = (span) => span.f + ":" + span.r;

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "data") Object.assign(node.dataset, value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat(2)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child);
    }
    return node;
  }

  const tip = (text) => svg("title", {}, text);

  function itemName(a, span) {
    if (span.f === "summary") return "summary";
    return a.tables[span.f][span.r].n;
  }

  // ------------------------------------------------------------------ routing

  function route() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (ARTICLES.length === 1) return showArticle(0);
    const f = parseInt(params.get("f"), 10);
    const filter = f >= 0 && f < FILTERS.length ? f : null;
    const n = parseInt(params.get("a"), 10);
    if (n >= 1 && n <= ARTICLES.length) return showArticle(n - 1, filter);
    if (params.has("f")) setFilter(filter);
    return showIndex(parseInt(params.get("p"), 10) || state.page);
  }

  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  // ------------------------------------------------------------------ index

  function haystack(a) {
    if (a._hay === undefined) {
      a._hay = fold([a.headline, a.title, a.source, a.id, a.published, ...a.parties]
        .filter(Boolean).join(" \u2016 "));
    }
    return a._hay;
  }

  function setFilter(f) {
    if (state.filter !== f) { state.filter = f; state.matches = null; }
  }

  const filterHash = () => (state.filter === null ? "" : "&f=" + state.filter);

  function matches() {
    if (state.matches) return state.matches;
    const terms = fold(state.query).split(/\s+/).filter(Boolean);
    const allowed = state.filter === null ? null : new Set(FILTERS[state.filter].arts);
    const out = [];
    ARTICLES.forEach((a, i) => {
      if (allowed && !allowed.has(i)) return;
      if (state.warningsOnly && !a.nw) return;
      const hay = haystack(a);
      if (terms.every((t) => hay.includes(t))) out.push(i);
    });
    state.matches = out;
    return out;
  }

  function showIndex(page) {
    document.title = DATA.title;
    const search = el("input", {type: "search", class: "search", id: "search",
      placeholder: "Filter by title, party, source or id", "aria-label": "Filter articles"});
    search.value = state.query;
    const onlyWarn = el("input", {type: "checkbox", id: "only-warnings"});
    onlyWarn.checked = state.warningsOnly;
    const results = el("div", {class: "results"});
    const refilter = () => {
      state.query = search.value;
      state.warningsOnly = onlyWarn.checked;
      state.matches = null;
      history.replaceState(null, "", "#p=1" + filterHash());
      renderResults(results, 1);
    };
    search.addEventListener("input", refilter);
    onlyWarn.addEventListener("change", refilter);
    const toolbar = el("div", {class: "toolbar"}, search,
      el("label", {class: "toggle"}, onlyWarn, " only with warnings"), filterChip());
    app.replaceChildren(overview(),
      el("section", {class: "index", id: "index"}, toolbar, results));
    renderResults(results, page);
    window.scrollTo(0, 0);
  }

  function renderResults(container, page) {
    const found = matches();
    const size = DATA.page_size;
    const pages = Math.max(1, Math.ceil(found.length / size));
    page = Math.min(Math.max(1, page), pages);
    state.page = page;
    const shown = found.slice((page - 1) * size, page * size);
    const count = found.length === ARTICLES.length
      ? plural(ARTICLES.length, "article")
      : found.length + " of " + plural(ARTICLES.length, "article");
    const head = el("tr", {}, ["#", "Headline", "Source", "Published", "Parties", "Items", ""]
      .map((h) => el("th", {}, h)));
    const body = shown.length
      ? shown.map(indexRow)
      : [el("tr", {}, el("td", {colspan: "7", class: "none"}, "No article matches the filter."))];
    container.replaceChildren(
      el("div", {class: "count", id: "match-count"}, count),
      el("table", {class: "index-table"}, el("thead", {}, head), el("tbody", {}, body)),
      pager(page, pages));
  }

  function indexRow(i) {
    const a = ARTICLES[i];
    const n = i + 1;
    const parties = a.parties;
    const shownParties = parties.slice(0, 4).join(", ") + (parties.length > 4 ? ", \u2026" : "");
    const counts = FIELDS.map((f) => el("span", {class: "dot f-" + f,
      title: plural(a.counts[f], SINGULAR[f].toLowerCase())}, String(a.counts[f])));
    const warn = a.nw
      ? el("span", {class: "badge warn", title: plural(a.nw, "warning")}, "\u26a0 " + a.nw)
      : null;
    const title = a.title && a.title !== a.headline ? el("div", {class: "sub"}, a.title) : null;
    const href = "#a=" + n + filterHash();
    return el("tr", {class: "index-row", data: {article: String(n)},
                     onclick: (e) => { if (!e.target.closest("a")) go(href); }},
      el("td", {class: "num"}, String(n)),
      el("td", {class: "headline"}, el("a", {href: href}, a.headline || a.id), title),
      el("td", {class: "muted"}, a.source || ""),
      el("td", {class: "muted nowrap"}, a.published || ""),
      el("td", {class: "parties"}, shownParties),
      el("td", {class: "counts nowrap"}, counts),
      el("td", {class: "nowrap"}, warn));
  }

  function pager(page, pages) {
    const link = (label, target, cls) => (target >= 1 && target <= pages && target !== page
      ? el("a", {href: "#p=" + target + filterHash(), class: "btn " + cls}, label)
      : el("span", {class: "btn disabled " + cls, "aria-disabled": "true"}, label));
    return el("nav", {class: "pager", "aria-label": "Pages"},
      link("\u00ab First", 1, "pager-first"), link("\u2039 Prev", page - 1, "pager-prev"),
      el("span", {class: "page-of", id: "page-of"}, "Page " + page + " of " + pages),
      link("Next \u203a", page + 1, "pager-next"), link("Last \u00bb", pages, "pager-last"));
  }

  // ------------------------------------------------------------------ overview

  function filterChip() {
    if (state.filter === null) return null;
    const f = FILTERS[state.filter];
    return el("span", {class: "filter-chip", id: "active-filter"}, "Filter: ",
      el("strong", {id: "filter-label"}, f.label),
      el("a", {href: "#p=1&f=-1", class: "btn clear", id: "clear-filter", "aria-label": "Clear the filter"},
         "\u00d7 clear"));
  }

  function markAttrs(f, cls, extra) {
    return Object.assign({class: "mark " + cls + (state.filter === f ? " chosen" : ""),
                          tabindex: "0", role: "button", data: {f: String(f)}}, extra || {});
  }

  function overview() {
    if (!OVERVIEW) return null;
    const o = OVERVIEW;
    const section = el("section", {class: "overview", id: "overview", "aria-label": "Corpus overview"},
      el("h2", {class: "ov-title"}, "Overview",
         el("span", {class: "muted"}, " \u00b7 " + plural(o.articles, "article") + " \u00b7 " +
            o.entities + (o.entities === 1 ? " entity" : " entities") +
            " \u00b7 click any mark to filter the articles")),
      el("div", {class: "ov-grid"},
        panel("Cooperation network", "ov-network", network(o.network), legend("status")),
        panel("Instruments over time", "ov-timeline", timeline(o.timeline), legend("status")),
        panel("Sectors \u00d7 countries", "ov-matrix", matrix(o.matrix), null),
        panel("Top entities", "ov-top", topTable(o.top), null)));
    const pick = (e) => {
      const mark = e.target.closest("[data-f]");
      if (!mark) return;
      e.preventDefault();
      go("#p=1&f=" + mark.dataset.f);
    };
    section.addEventListener("click", pick);
    section.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") pick(e); });
    return section;
  }

  function panel(title, id, body, foot) {
    return el("figure", {class: "ov-panel", id: id}, el("figcaption", {}, title), body, foot);
  }

  function legend() {
    const items = ["implemented", "signed", "proposed", "under_discussion", "other"].map((s) =>
      el("span", {class: "lg"}, el("i", {class: "sw st-" + s}), s.replace("_", " ")));
    return el("div", {class: "ov-legend"}, items);
  }

  function network(net) {
    if (!net.nodes.length) return el("p", {class: "none"}, "No entities.");
    const edges = net.edges.map((e) => {
      const a = net.nodes[e.a], b = net.nodes[e.b];
      return svg("line", markAttrs(e.f, "edge st-" + e.status, {x1: a.x, y1: a.y, x2: b.x, y2: b.y,
        "stroke-width": Math.min(1.5 + e.n, 8)}),
        tip(a.label + " \u2013 " + b.label + ": " + plural(e.n, "shared instrument") +
            ", strongest " + e.status.replace("_", " ")));
    });
    const nodes = net.nodes.map((n, k) => svg("g", markAttrs(n.f, "node k-" + n.kind, {data: {f: String(n.f), entity: n.id}}),
      svg("circle", {cx: n.x, cy: n.y, r: n.r}),
      k < 24 ? svg("text", {x: n.x, y: n.y + n.r + 11, "text-anchor": "middle"}, clip(n.label, 24)) : null,
      tip(n.label + " (" + n.id + "): " + plural(n.n, "article"))));
    return svg("svg", {viewBox: "0 0 " + net.width + " " + net.height, class: "ov-svg",
                       role: "img", "aria-label": "Cooperation network"},
      svg("g", {class: "edges"}, edges), svg("g", {class: "nodes"}, nodes));
  }

  function timeline(t) {
    if (!t.marks.length) return el("p", {class: "none"}, "No dated instruments.");
    const W = 760, H = 240, left = 34, bottom = 40, top = 10;
    const totals = t.buckets.map(() => 0);
    t.marks.forEach((m) => { totals[m.b] += m.n; });
    const max = Math.max(...totals, 1);
    const step = (W - left - 8) / t.buckets.length;
    const scale = (H - bottom - top) / max;
    const base = t.buckets.map(() => H - bottom);
    const order = t.statuses;
    const sorted = t.marks.slice().sort((x, y) => x.b - y.b || order.indexOf(x.status) - order.indexOf(y.status));
    const bars = sorted.map((m) => {
      const h = Math.max(m.n * scale, 1.5);
      base[m.b] -= h;
      return svg("rect", markAttrs(m.f, "bar st-" + m.status, {x: left + m.b * step + 2, y: base[m.b],
        width: Math.max(step - 4, 2), height: h}),
        tip(t.buckets[m.b] + ": " + plural(m.n, "instrument") + " " + m.status.replace("_", " ")));
    });
    const every = Math.ceil(t.buckets.length / 12);
    const labels = t.buckets.map((b, k) => (k % every ? null :
      svg("text", {x: left + k * step + step / 2, y: H - bottom + 14, "text-anchor": "middle", class: "tick"}, b)));
    const axis = [svg("line", {x1: left, y1: H - bottom, x2: W - 4, y2: H - bottom, class: "axis"}),
                  svg("text", {x: 4, y: top + 8, class: "tick"}, String(max))];
    const note = t.undated ? svg("text", {x: left, y: H - 6, class: "tick"},
      t.undated + " instrument(s) in undated articles not shown") : null;
    return svg("svg", {viewBox: "0 0 " + W + " " + H, class: "ov-svg", role: "img",
                       "aria-label": "Instrument timeline"}, axis, labels, bars, note);
  }

  function matrix(m) {
    if (!m.cells.length) return el("p", {class: "none"}, "No sectors with country parties.");
    const cw = 54, ch = 18, left = 190, top = 92;
    const W = left + m.countries.length * cw + 8, H = top + m.sectors.length * ch + 8;
    const heads = m.countries.map((c, k) => svg("text", {class: "tick", "text-anchor": "start",
      transform: "translate(" + (left + k * cw + cw / 2) + "," + (top - 6) + ") rotate(-40)"}, clip(c, 18)));
    const rows = m.sectors.map((s, k) => svg("text", {class: "tick", x: left - 6, y: top + k * ch + 13,
      "text-anchor": "end"}, s));
    const cells = m.cells.map((c) => svg("g", markAttrs(c.f, "cell"),
      svg("rect", {x: left + c.c * cw + 1, y: top + c.s * ch + 1, width: cw - 2, height: ch - 2,
                   "fill-opacity": (0.15 + 0.85 * c.n / m.max).toFixed(2)}),
      svg("text", {x: left + c.c * cw + cw / 2, y: top + c.s * ch + 13, "text-anchor": "middle"}, String(c.n)),
      tip(m.sectors[c.s] + " \u00b7 " + m.countries[c.c] + ": " + plural(c.n, "article"))));
    return svg("svg", {viewBox: "0 0 " + W + " " + H, class: "ov-svg", role: "img",
                       "aria-label": "Sector by country matrix"}, heads, rows, cells);
  }

  function topTable(top) {
    const head = el("tr", {}, ["Entity", "Kind", "Articles", "Instruments", "Signed", "Names"]
      .map((h) => el("th", {}, h)));
    const body = top.map((t) => el("tr", markAttrs(t.f, "top-row", {title: t.id}),
      el("td", {class: "main"}, t.label), el("td", {class: "muted"}, t.kind),
      el("td", {class: "num"}, String(t.n)), el("td", {class: "num"}, String(t.instruments)),
      el("td", {class: "num"}, String(t.signed)), el("td", {class: "num"}, String(t.names))));
    return el("table", {class: "items top-table"}, el("thead", {}, head), el("tbody", {}, body));
  }

  // ------------------------------------------------------------------ article

  function showArticle(i, filter) {
    const a = full(i);
    document.title = (a.summary.headline || a.id) + " \u2014 " + DATA.title;
    const view = el("article", {class: "digest", id: "digest", data: {article: String(i + 1)}},
      ARTICLES.length > 1 ? articleNav(i) : null,
      articleHeader(a),
      warningsBox(a),
      el("div", {class: "cols"},
        el("div", {class: "fields"}, summaryBlock(a), FIELDS.map((f) => fieldTable(a, f)),
           provenance(a)),
        textPanel(a)));
    app.replaceChildren(view);
    wire(view, a);
    window.scrollTo(0, 0);
    if (filter !== null && filter !== undefined) focusRows(view, a, FILTERS[filter]);
  }

  /* As overview.focus_matches: an edge "p:a|b" matches rows naming both entities. */
  function focusMatches(focus, keys) {
    if (focus.startsWith("p:")) {
      const [a, b] = focus.slice(2).split("|");
      return keys.includes("e:" + a) && keys.includes("e:" + b);
    }
    return keys.includes(focus);
  }

  /* Highlights the rows (and their evidence) behind an overview filter. */
  function focusRows(view, a, filter) {
    const keys = [];
    FIELDS.forEach((f) => a.tables[f].forEach((r, k) => {
      if (focusMatches(filter.focus, r.fk || [])) keys.push(f + ":" + k);
    }));
    const banner = el("p", {class: "focus-note", id: "focus-note"}, "Overview filter: ",
      el("strong", {}, filter.label), " \u2014 " + plural(keys.length, "matching row"));
    view.querySelector(".art-head").after(banner);
    if (!keys.length) return;
    select(view, keys[0], {scrollText: true, scrollRow: true});
    view.querySelectorAll("[data-key]").forEach((n) => {
      if (keys.includes(n.dataset.key)) n.classList.add("focus");
    });
  }

  function articleNav(i) {
    const pos = matches().indexOf(i);
    const back = pos >= 0 ? Math.floor(pos / DATA.page_size) + 1 : state.page;
    const link = (label, target, cls) => (target >= 0 && target < ARTICLES.length
      ? el("a", {href: "#a=" + (target + 1), class: "btn " + cls}, label)
      : el("span", {class: "btn disabled " + cls}, label));
    return el("nav", {class: "artnav"},
      el("a", {href: "#p=" + back + filterHash(), class: "btn back"}, "\u2190 Index"),
      link("\u2039 Previous", i - 1, "prev"),
      el("span", {class: "page-of"}, "Article " + (i + 1) + " of " + ARTICLES.length),
      link("Next \u203a", i + 1, "next"),
      el("span", {class: "hint"}, "keys: \u2190 \u2192 articles \u00b7 Esc clear"));
  }

  function articleHeader(a) {
    const meta = [a.source, a.published].filter(Boolean).map((m) => el("span", {}, m));
    if (a.url) {
      meta.push(a.link
        ? el("a", {href: a.url, target: "_blank", rel: "noopener noreferrer"}, clip(a.url, 70))
        : el("span", {class: "muted"}, clip(a.url, 70)));
    }
    meta.push(el("span", {class: "muted mono", title: "sha256 " + a.sha}, a.id));
    return el("header", {class: "art-head"},
      el("h2", {class: "headline"}, a.summary.headline),
      a.title && a.title !== a.summary.headline ? el("div", {class: "art-title"}, a.title) : null,
      el("div", {class: "meta"}, meta));
  }

  function warningsBox(a) {
    if (!a.warnings.length) {
      return el("p", {class: "no-warnings"}, "\u2713 No warnings: nothing was dropped or doubted.");
    }
    const items = a.warnings.map((w) => el("li", {class: "warning " + (w.origin || "")},
      el("code", {}, w.code),
      w.field ? el("span", {class: "tag f-" + w.field}, w.field) : null,
      el("span", {class: "wmsg"}, w.message),
      w.item && !w.message.includes(w.item) ? el("span", {class: "witem"}, "item: ", el("q", {}, w.item)) : null));
    return el("section", {class: "warnings", id: "warnings", role: "note"},
      el("h3", {}, "\u26a0 " + plural(a.warnings.length, "warning") + " \u2014 dropped or doubtful items"),
      el("ul", {}, items));
  }

  function chips(a, ids) {
    if (!ids.length) return el("span", {class: "none"}, "no evidence");
    return ids.map((id) => {
      const s = a.spans[id];
      const match = s.m === "exact" ? null : el("span", {class: "match"}, s.m + " " + Math.round(s.sc || 0));
      return el("button", {type: "button", class: "chip" + (s.p ? " bad" : ""), data: {span: String(id)},
                           title: s.p ? "Problem: " + s.p : "Show this span in the text"},
        el("span", {class: "quote"}, "\u201c" + clip(s.q, 70) + "\u201d"),
        el("span", {class: "off"}, s.s + "\u2013" + s.e), match);
    });
  }

  function summaryBlock(a) {
    const s = a.summary;
    return el("section", {class: "summary item f-summary", tabindex: "0", data: {key: "summary:0"}},
      el("p", {class: "one-line"}, s.one_line),
      s.bullets.length ? el("ul", {class: "bullets"}, s.bullets.map((b) => el("li", {}, b))) : null,
      s.ev.length ? el("div", {class: "summary-ev"}, el("span", {class: "label"}, "Evidence"), chips(a, s.ev)) : null);
  }

  function fieldTable(a, f) {
    const rows = a.tables[f];
    const head = el("h3", {}, LABEL[f], el("span", {class: "n"}, String(rows.length)));
    if (!rows.length) return el("section", {class: "field f-" + f}, head, el("p", {class: "none"}, "none found"));
    const cols = DATA.columns[f];
    const body = rows.map((r, k) => el("tr", {
        class: "item" + (r.bg ? " background" : ""), tabindex: "0", data: {key: f + ":" + k},
        title: r.bg ? "Mentioned only as context" : null},
      r.c.map((c, j) => el("td", {class: j === 0 ? "main" : null}, c)),
      el("td", {class: "evidence"}, chips(a, r.ev))));
    return el("section", {class: "field f-" + f, id: "field-" + f}, head,
      el("table", {class: "items"},
        el("thead", {}, el("tr", {}, cols.map((c) => el("th", {}, c)), el("th", {}, "Evidence"))),
        el("tbody", {}, body)));
  }

  function provenance(a) {
    return el("details", {class: "provenance", open: true},
      el("summary", {}, "Provenance"),
      el("dl", {}, a.prov.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]),
        el("dt", {}, "Article sha256"), el("dd", {class: "mono"}, a.sha)));
  }

  // ------------------------------------------------------------------ text with spans

  function textPanel(a) {
    const body = el("div", {class: "text", id: "article-text"});
    buildText(body, a);
    const counts = {};
    a.spans.forEach((s) => { counts[s.f] = (counts[s.f] || 0) + 1; });
    const legend = ["summary", ...FIELDS].filter((f) => counts[f]).map((f) =>
      el("span", {class: "tag f-" + f}, SINGULAR[f] + " \u00b7 " + counts[f]));
    return el("section", {class: "text-panel"},
      el("div", {class: "text-head"}, el("h3", {}, "Article text"), el("div", {class: "legend"}, legend)),
      body);
  }

  /* Fragments are properly nested [start, end, span] in UTF-16 offsets, parents first
   * (laid out and split in Python), so a stack of open <mark> elements rebuilds them. */
  function buildText(root, a) {
    const text = a.text;
    const stack = [{node: root, end: Infinity}];
    const seen = new Set();
    let pos = 0;
    const top = () => stack[stack.length - 1];
    const emit = (upto) => {
      if (upto > pos) top().node.append(text.slice(pos, upto));
      pos = Math.max(pos, upto);
    };
    for (const [start, end, id] of a.frags) {
      while (start >= top().end) { emit(top().end); stack.pop(); }
      emit(start);
      const s = a.spans[id];
      const cls = "ev f-" + s.f + (s.p ? " bad" : "") + (seen.has(id) ? " cont" : "");
      seen.add(id);
      const mark = el("mark", {class: cls, data: {span: String(id), key: keyOf(s)},
        title: SINGULAR[s.f] + ": " + itemName(a, s) + " \u00b7 " + s.m + " [" + s.s + ":" + s.e + "]" +
               (s.p ? " \u00b7 " + s.p : "")});
      top().node.append(mark);
      stack.push({node: mark, end: end});
    }
    while (stack.length > 1) { emit(top().end); stack.pop(); }
    emit(text.length);
  }

  // ------------------------------------------------------------------ interaction

  function select(view, key, opts) {
    view.querySelectorAll(".active, .current").forEach((n) => n.classList.remove("active", "current"));
    if (!key) return;
    const nodes = [...view.querySelectorAll("[data-key]")].filter((n) => n.dataset.key === key);
    nodes.forEach((n) => n.classList.add("active"));
    const marks = nodes.filter((n) => n.matches("mark.ev"));
    let target = marks[0];
    if (opts.span !== undefined) {
      const own = marks.filter((m) => m.dataset.span === opts.span);
      own.forEach((m) => m.classList.add("current"));
      view.querySelectorAll(".chip").forEach((c) => {
        if (c.dataset.span === opts.span) c.classList.add("current");
      });
      target = own[0] || target;
    }
    if (opts.scrollText && target) target.scrollIntoView({block: "center", behavior: SCROLL});
    const row = nodes.find((n) => n.classList.contains("item"));
    if (opts.scrollRow && row) row.scrollIntoView({block: "nearest", behavior: SCROLL});
  }

  function wire(view, a) {
    const focusSpan = (id, fromText) => {
      const s = a.spans[id];
      select(view, keyOf(s), {span: id, scrollText: !fromText, scrollRow: fromText});
    };
    view.addEventListener("click", (e) => {
      const chip = e.target.closest(".chip");
      if (chip) return focusSpan(chip.dataset.span, false);
      const mark = e.target.closest("mark.ev");
      if (mark) return focusSpan(mark.dataset.span, true);
      const item = e.target.closest(".item");
      if (item && !e.target.closest("a")) select(view, item.dataset.key, {scrollText: true});
    });
    view.addEventListener("keydown", (e) => {
      if ((e.key === "Enter" || e.key === " ") && e.target.matches(".item")) {
        e.preventDefault();
        select(view, e.target.dataset.key, {scrollText: true});
      }
    });
  }

  document.addEventListener("keydown", (e) => {
    if (e.target.matches("input, textarea") || e.altKey || e.ctrlKey || e.metaKey) return;
    const view = document.getElementById("digest");
    if (!view) return;
    const n = parseInt(view.dataset.article, 10);
    if (e.key === "Escape") select(view, null, {});
    else if (e.key === "ArrowRight" && n < ARTICLES.length) go("#a=" + (n + 1));
    else if (e.key === "ArrowLeft" && n > 1) go("#a=" + (n - 1));
  });

  // ------------------------------------------------------------------ start

  function stats() {
    const warned = ARTICLES.filter((a) => a.nw).length;
    const parts = [plural(ARTICLES.length, "article"), warned + " with warnings"];
    if (DATA.generated_at) parts.push("generated " + DATA.generated_at);
    document.getElementById("report-stats").textContent = parts.join(" \u00b7 ");
  }

  stats();
  if (!ARTICLES.length) {
    app.replaceChildren(el("p", {class: "none"}, "This report holds no digests."));
  } else {
    window.addEventListener("hashchange", route);
    route();
  }
})();
