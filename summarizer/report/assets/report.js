/* summarizer review report.
 * Renders the digests embedded as JSON in #report-data: an index (searchable, paged) and one
 * article at a time. Every string from the data is inserted as text (textContent, text
 * nodes, attribute values), never parsed as HTML.
 */
(() => {
  "use strict";

  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const ARTICLES = DATA.articles;
  const FIELDS = ["parties", "instruments", "sectors", "targets"];
  const LABEL = {summary: "Summary", parties: "Parties", instruments: "Instruments",
                 sectors: "Sectors", targets: "Targets"};
  const SINGULAR = {summary: "Summary", parties: "Party", instruments: "Instrument",
                    sectors: "Sector", targets: "Target"};
  const SCROLL = matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  const app = document.getElementById("app");
  const state = {query: "", warningsOnly: false, matches: null, page: 1};

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

  function itemName(a, span) {
    if (span.f === "summary") return "summary";
    return a.tables[span.f][span.r].n;
  }

  // ------------------------------------------------------------------ routing

  function route() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (ARTICLES.length === 1) return showArticle(0);
    const n = parseInt(params.get("a"), 10);
    if (n >= 1 && n <= ARTICLES.length) return showArticle(n - 1);
    return showIndex(parseInt(params.get("p"), 10) || state.page);
  }

  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  // ------------------------------------------------------------------ index

  function haystack(a) {
    if (a._hay === undefined) {
      const parties = a.tables.parties.map((r) => r.n);
      a._hay = fold([a.summary.headline, a.title, a.source, a.id, a.published, ...parties]
        .filter(Boolean).join(" \u2016 "));
    }
    return a._hay;
  }

  function matches() {
    if (state.matches) return state.matches;
    const terms = fold(state.query).split(/\s+/).filter(Boolean);
    const out = [];
    ARTICLES.forEach((a, i) => {
      if (state.warningsOnly && !a.warnings.length) return;
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
      history.replaceState(null, "", "#p=1");
      renderResults(results, 1);
    };
    search.addEventListener("input", refilter);
    onlyWarn.addEventListener("change", refilter);
    const toolbar = el("div", {class: "toolbar"}, search,
      el("label", {class: "toggle"}, onlyWarn, " only with warnings"));
    app.replaceChildren(el("section", {class: "index", id: "index"}, toolbar, results));
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
    const parties = a.tables.parties.map((r) => r.n);
    const shownParties = parties.slice(0, 4).join(", ") + (parties.length > 4 ? ", \u2026" : "");
    const counts = FIELDS.map((f) => el("span", {class: "dot f-" + f,
      title: plural(a.tables[f].length, SINGULAR[f].toLowerCase())}, String(a.tables[f].length)));
    const warn = a.warnings.length
      ? el("span", {class: "badge warn", title: plural(a.warnings.length, "warning")},
           "\u26a0 " + a.warnings.length)
      : null;
    const title = a.title && a.title !== a.summary.headline ? el("div", {class: "sub"}, a.title) : null;
    return el("tr", {class: "index-row", data: {article: String(n)},
                     onclick: (e) => { if (!e.target.closest("a")) go("#a=" + n); }},
      el("td", {class: "num"}, String(n)),
      el("td", {class: "headline"}, el("a", {href: "#a=" + n}, a.summary.headline || a.id), title),
      el("td", {class: "muted"}, a.source || ""),
      el("td", {class: "muted nowrap"}, a.published || ""),
      el("td", {class: "parties"}, shownParties),
      el("td", {class: "counts nowrap"}, counts),
      el("td", {class: "nowrap"}, warn));
  }

  function pager(page, pages) {
    const link = (label, target, cls) => (target >= 1 && target <= pages && target !== page
      ? el("a", {href: "#p=" + target, class: "btn " + cls}, label)
      : el("span", {class: "btn disabled " + cls, "aria-disabled": "true"}, label));
    return el("nav", {class: "pager", "aria-label": "Pages"},
      link("\u00ab First", 1, "pager-first"), link("\u2039 Prev", page - 1, "pager-prev"),
      el("span", {class: "page-of", id: "page-of"}, "Page " + page + " of " + pages),
      link("Next \u203a", page + 1, "pager-next"), link("Last \u00bb", pages, "pager-last"));
  }

  // ------------------------------------------------------------------ article

  function showArticle(i) {
    const a = ARTICLES[i];
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
  }

  function articleNav(i) {
    const pos = matches().indexOf(i);
    const back = pos >= 0 ? Math.floor(pos / DATA.page_size) + 1 : state.page;
    const link = (label, target, cls) => (target >= 0 && target < ARTICLES.length
      ? el("a", {href: "#a=" + (target + 1), class: "btn " + cls}, label)
      : el("span", {class: "btn disabled " + cls}, label));
    return el("nav", {class: "artnav"},
      el("a", {href: "#p=" + back, class: "btn back"}, "\u2190 Index"),
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
    const warned = ARTICLES.filter((a) => a.warnings.length).length;
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
