/* Site search, the part loaded when search is opened (assets/search.js loads it): Thai queries cut
 * into the index's words, spelling variants as OR-groups, ranking, and the result list.
 *
 * The index (search/index.js) is the site's text in sections, its Thai already cut into words
 * joined by U+200B at build time (coursebuild/render/site/search.py), so the phone needs no Thai
 * dictionary. A query is cut into the same words here: "ข่าวปลอม" becomes ข่าว AND ปลอม*, and
 * the last word of each part may be half typed ("ข่าวปล" finds ข่าวปลอม).
 *
 * How a Thai run is cut: into words of the index, the last of which may be the beginning of one,
 * so the query is cut where the pages were. Where several cuts fit, the one that ends words where
 * the browser's Intl.Segmenter (ICU) does wins, since the build cut the pages the way ICU does.
 * Text in no index word (a word the course does not have) is cut by Intl.Segmenter alone.
 *
 * Spellings: trainees type แอพ, ดิจิตอล, เฟสบุ๊ค. Each spelling group of the course
 * (course/search-variants.yml, in the index) is one OR-group: a page matches a query word through
 * any spelling of it that the pages use, and the other words of the query must match too.
 */
(function () {
  "use strict";

  var ZWSP = "\u200b";
  var THAI_OR_NOT = /[\u0e00-\u0e7f]+|[^\u0e00-\u0e7f]+/g;
  var IS_THAI = /^[\u0e00-\u0e7f]/;
  var MAX_RESULTS = 20;
  var SNIPPET = 140;  /* characters of text shown under a result */

  /* The same clean-up as the build's content checks: what looks the same must match the same. */
  function normalise(text) {
    return text.normalize("NFC")
      .replace(/\u0e4d([\u0e48-\u0e4b]?)\u0e32/g, "$1\u0e33")        /* ํ + า typed for ำ */
      .replace(/\u0e40\u0e40/g, "\u0e41")                           /* เ + เ typed for แ */
      .replace(/([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\1+/g, "$1");   /* a mark typed twice */
  }

  function create(index, options) {
    var separator = new RegExp(index.sep);
    var splitter = new RegExp("(" + index.sep + ")");
    var pages = index.pages, docs = index.docs;
    var postings = new Map();   /* token → [{doc, text: count, title: count}] */
    var flat = [];              /* per doc: its tokens joined by U+200B, to find tokens side by side */
    var lengths = [];           /* per doc: tokens in its text, for BM25's length normalisation */
    var groupOf = new Map();    /* any spelling, lower case → its group */
    var segmenter = null;
    try {
      segmenter = new Intl.Segmenter("th", { granularity: "word" });
    } catch (e) { /* old browser: an unknown Thai run stays one term */ }

    function tokens(text) {
      return text.toLowerCase().split(separator).filter(Boolean);
    }

    docs.forEach(function (doc, number) {
      var counts = new Map(), joined = "";
      [["title", doc.t], ["text", doc.x]].forEach(function (field) {
        var list = tokens(field[1]);
        list.forEach(function (token) {
          var entry = counts.get(token);
          if (!entry) counts.set(token, entry = { doc: number, text: 0, title: 0 });
          entry[field[0]]++;
        });
        joined += ZWSP + list.join(ZWSP) + ZWSP;
        if (field[0] === "text") lengths.push(list.length);
      });
      flat.push(joined);
      counts.forEach(function (entry, token) {
        if (!postings.has(token)) postings.set(token, []);
        postings.get(token).push(entry);
      });
    });
    var averageLength = lengths.reduce(function (a, b) { return a + b; }, 0) / Math.max(1, lengths.length);

    (index.groups || []).forEach(function (group) {
      group.forEach(function (spelling) { groupOf.set(spelling.toLowerCase(), group); });
    });
    var thai = new Set();
    postings.forEach(function (list, token) { if (IS_THAI.test(token)) thai.add(token); });
    groupOf.forEach(function (group, spelling) { if (IS_THAI.test(spelling)) thai.add(spelling); });
    var sorted = Array.from(postings.keys()).sort();
    var thaiSorted = Array.from(thai).sort();
    var longest = thaiSorted.reduce(function (n, w) { return Math.max(n, w.length); }, 0);

    function lowerBound(list, text) {
      var lo = 0, hi = list.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (list[mid] < text) lo = mid + 1; else hi = mid;
      }
      return lo;
    }

    /* Index tokens that begin with `text`. */
    function startingWith(text) {
      var out = [];
      for (var i = lowerBound(sorted, text); i < sorted.length && sorted[i].indexOf(text) === 0; i++) out.push(sorted[i]);
      return out;
    }

    /* What a half-typed last piece can grow into: "prefix" of an index word, else a typed spelling. */
    function completion(text) {
      var spelling = null;
      for (var i = lowerBound(thaiSorted, text); i < thaiSorted.length && thaiSorted[i].indexOf(text) === 0; i++) {
        if (postings.has(thaiSorted[i])) return { kind: "prefix", text: text };
        if (!spelling) spelling = thaiSorted[i];
      }
      return spelling ? { kind: "spelling", text: spelling } : null;
    }

    /* Where the browser's ICU ends words in this run: the build cut the index the way ICU does. */
    function icuEnds(run) {
      var ends = new Set();
      if (segmenter) {
        Array.from(segmenter.segment(run)).forEach(function (s) { ends.add(s.index + s.segment.length); });
      }
      return ends;
    }

    /* Pieces that are index words or typed spellings, the last of which may be a beginning. Of all
       such cuts, the one whose word ends agree most with ICU's, then the one with fewest pieces:
       "ทางการเมือง" has index words ทาง|การเมือง and ทางการ|เมือง, and pages hold ICU's. */
    function cut(run, withSpellings, withPrefix) {
      var n = run.length, best = [{ cost: 0, pieces: [] }], ends = icuEnds(run);
      for (var i = 0; i < n; i++) {
        if (!best[i]) continue;
        for (var j = i + 1; j <= n && j - i <= longest; j++) {
          var text = run.slice(i, j), piece = null;
          if (withSpellings && groupOf.has(text)) piece = { kind: "spelling", text: text };
          else if (postings.has(text)) piece = { kind: "word", text: text };
          else if (withPrefix && j === n) piece = completion(text);
          if (!piece) continue;
          var cost = best[i].cost + 0.1 + (j < n && ends.size && !ends.has(j) ? 1 : 0)
            + (piece.kind === "prefix" ? 0.001 : 0);
          if (!best[j] || cost < best[j].cost) best[j] = { cost: cost, pieces: best[i].pieces.concat([piece]) };
        }
      }
      return best[n] ? best[n].pieces : null;
    }

    function cutThai(run) {
      var pieces = cut(run, true, true);
      if (pieces) return pieces;
      /* Not all of it is on the site: let the browser cut it, and use index words where they fit. */
      var parts = segmenter
        ? Array.from(segmenter.segment(run)).filter(function (s) { return s.isWordLike; })
            .map(function (s) { return s.segment; })
        : [run];
      pieces = [];
      parts.forEach(function (part, k) {
        pieces = pieces.concat(cut(part, true, k === parts.length - 1) || [{ kind: "unknown", text: part }]);
      });
      return pieces;
    }

    /* The spellings of a group that the pages use, each as its index tokens. */
    function spellingsOnSite(group) {
      var found = [];
      group.forEach(function (spelling) {
        var lower = spelling.toLowerCase(), list;
        if (IS_THAI.test(lower)) {
          var pieces = cut(lower, false, false);
          list = pieces ? pieces.map(function (p) { return p.text; }) : [];
        } else {
          list = tokens(lower);
        }
        if (list.length && list.every(function (t) { return postings.has(t); })) found.push(list);
      });
      return found;
    }

    /* The query as clauses, all of which a section must match; each clause is one or more
       alternatives (spellings), each a run of tokens that must stand side by side. */
    function parse(query) {
      var clauses = [], seen = new Set();
      function add(alternatives) {
        var key = JSON.stringify(alternatives);
        if (!seen.has(key)) { seen.add(key); clauses.push(alternatives); }
      }
      function spelling(typed) {
        var found = spellingsOnSite(groupOf.get(typed.toLowerCase()));
        if (!found.length) return false;
        add(found.map(function (list) { return { tokens: list, prefix: true }; }));
        return true;
      }
      normalise(query).trim().split(/[\s\u200b]+/).forEach(function (part) {
        (part.match(THAI_OR_NOT) || []).forEach(function (chunk) {
          if (IS_THAI.test(chunk)) {
            var pieces = cutThai(chunk);
            pieces.forEach(function (piece, k) {
              if (piece.kind === "spelling" && spelling(piece.text)) return;
              add([{ tokens: [piece.text], prefix: k === pieces.length - 1 || piece.kind === "prefix" }]);
            });
          } else if (!(groupOf.has(chunk.toLowerCase()) && spelling(chunk))) {
            var list = tokens(chunk);
            list.forEach(function (t, k) { add([{ tokens: [t], prefix: k === list.length - 1 }]); });
          }
        });
      });
      return clauses;
    }

    /* For tests: a clause list as text, "+ข่าว +ปลอม*", "+(แอป* | แอพ*)". */
    function describe(clauses) {
      return clauses.map(function (alternatives) {
        var text = alternatives.map(function (alt) { return alt.tokens.join(" ") + (alt.prefix ? "*" : ""); });
        return "+" + (text.length > 1 ? "(" + text.join(" | ") + ")" : text[0]);
      }).join(" ");
    }

    function idf(list) { return Math.log(1 + docs.length / list.length); }

    /* BM25: more mentions count for less and less, and a long section (a whole quiz) needs more
       of them than a short one; a word in the heading counts most. */
    function weight(entry) {
      var k = 1.2, b = 0.75, norm = k * (1 - b + b * lengths[entry.doc] / (averageLength || 1));
      return entry.text * (k + 1) / (entry.text + norm) + 2 * Math.min(entry.title, 1);
    }

    /* doc → {score, tokens} for one alternative. */
    function matchAlternative(alt) {
      var out = new Map(), last = alt.tokens.length - 1;
      var perToken = alt.tokens.map(function (token, k) {
        var found = new Map(), candidates = alt.prefix && k === last ? startingWith(token) : [token];
        candidates.forEach(function (candidate) {
          var list = postings.get(candidate);
          if (!list) return;
          var factor = idf(list) * (candidate === token ? 1 : 0.6);
          list.forEach(function (entry) {
            var score = factor * weight(entry);
            var seen = found.get(entry.doc);
            if (!seen) found.set(entry.doc, seen = { score: 0, tokens: [] });
            seen.score = Math.max(seen.score, score);
            seen.tokens.push(candidate);
          });
        });
        return found;
      });
      perToken[0].forEach(function (first, doc) {
        var score = first.score, matched = first.tokens.slice();
        for (var k = 1; k < perToken.length; k++) {
          var hit = perToken[k].get(doc);
          if (!hit) return;
          score += hit.score;
          matched = matched.concat(hit.tokens);
        }
        if (perToken.length > 1) {
          /* A spelling of several tokens counts only side by side (ไทยดี, not ไทย … ดี). */
          var joined = ZWSP + alt.tokens.join(ZWSP) + (alt.prefix ? "" : ZWSP);
          if (flat[doc].indexOf(joined) < 0) return;
        }
        out.set(doc, { score: score, tokens: matched });
      });
      return out;
    }

    /* Pages matching every clause, best first, each with its best section. */
    function search(query) {
      var clauses = parse(query);
      if (!clauses.length) return { clauses: clauses, results: [] };
      var docsFound = null;
      clauses.forEach(function (alternatives) {
        var union = new Map();
        alternatives.forEach(function (alt) {
          matchAlternative(alt).forEach(function (hit, doc) {
            var had = union.get(doc);
            if (!had) union.set(doc, { score: hit.score, tokens: hit.tokens.slice() });
            else { had.score = Math.max(had.score, hit.score); had.tokens = had.tokens.concat(hit.tokens); }
          });
        });
        if (docsFound === null) { docsFound = union; return; }
        var next = new Map();
        docsFound.forEach(function (hit, doc) {
          var more = union.get(doc);
          if (more) next.set(doc, { score: hit.score + more.score, tokens: hit.tokens.concat(more.tokens) });
        });
        docsFound = next;
      });
      var byPage = new Map();
      docsFound.forEach(function (hit, doc) {
        var page = docs[doc].p, best = byPage.get(page);
        if (!best || hit.score > best.score) byPage.set(page, { doc: doc, score: hit.score, tokens: hit.tokens });
      });
      var results = Array.from(byPage.values()).sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      return { clauses: clauses, results: results };
    }

    function href(result) {
      var doc = docs[result.doc], page = pages[doc.p];
      var words = Array.from(new Set(result.tokens));
      return new URL(page.u + (options.file ? "index.html" : ""), options.root).href
        + "?h=" + encodeURIComponent(words.join(" ")) + (doc.a ? "#" + encodeURIComponent(doc.a) : "");
    }

    /* Text around the first matched word, matched words in <mark>. */
    function snippet(text, words) {
      var parts = text.split(splitter), first = -1;
      for (var i = 0; i < parts.length; i++) {
        if (words.has(parts[i].toLowerCase())) { first = i; break; }
      }
      var start = 0, length = 0;
      if (first > 0) {
        start = first;
        while (start > 0 && length + parts[start - 1].length < SNIPPET / 4) length += parts[--start].length;
      }
      var out = [], used = 0;
      if (start > 0) out.push(document.createTextNode("…"));
      for (var k = start; k < parts.length && used < SNIPPET; k++) {
        var part = parts[k];
        if (words.has(part.toLowerCase())) {
          var mark = document.createElement("mark");
          mark.textContent = part;
          out.push(mark);
        } else {
          out.push(document.createTextNode(part));
        }
        used += part.length;
        if (used >= SNIPPET && k < parts.length - 1) out.push(document.createTextNode("…"));
      }
      return out;
    }

    function span(className, children) {
      var node = document.createElement("span");
      node.className = className;
      children.forEach(function (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
      return node;
    }

    /* The result list for what is in the box, with a count for screen readers. */
    function show(query, list, status) {
      var found = search(query), items = [];
      found.results.slice(0, MAX_RESULTS).forEach(function (result) {
        var doc = docs[result.doc], page = pages[doc.p], words = new Set(result.tokens);
        var link = document.createElement("a");
        link.href = href(result);
        link.className = "osd-search__link";
        link.appendChild(span("osd-search__page", [page.t]));
        if (doc.a) link.appendChild(span("osd-search__section", snippet(doc.t, words)));
        if (doc.x) link.appendChild(span("osd-search__text", snippet(doc.x, words)));
        var item = document.createElement("li");
        item.className = "osd-search__item";
        item.appendChild(link);
        items.push(item);
      });
      list.replaceChildren.apply(list, items);
      var count = found.results.length;
      status.textContent = !query.trim() ? "พิมพ์คำที่ต้องการค้นหา เช่น ข่าวปลอม"
        : count ? "พบ " + count + " หน้า" + (count > MAX_RESULTS ? " แสดง " + MAX_RESULTS + " หน้าแรก" : "")
        : "ไม่พบคำนี้ในบทเรียน ลองคำอื่นหรือพิมพ์ให้สั้นลง";
      list.setAttribute("data-query", query);
      return found;
    }

    return {
      search: search,
      show: show,
      /* For tests and bench/search.py. */
      describe: function (query) { return describe(parse(query)); },
      pages: function (query) {
        return search(query).results.map(function (r) {
          var doc = docs[r.doc];
          return pages[doc.p].u + (doc.a ? "#" + doc.a : "");
        });
      }
    };
  }

  window.osdSearchEngine = { create: create };
})();
