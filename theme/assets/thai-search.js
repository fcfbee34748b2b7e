/* Thai search in Material's search box, with no dictionary download.
 *
 * Material's search worker (lunr) finds an index token, or the beginning of one, and nothing
 * else. The build (coursebuild/search.py) cut the Thai of the index into words joined by U+200B.
 * This script cuts each query into the same words before it reaches the worker, and makes every
 * word required, so "ข่าวปลอม" is sent as "+ข่าว +ปลอม*": pages with both words, and the last word
 * may still be half typed ("ข่าวปล" → "+ข่าว +ปล*").
 *
 * Where: Material 9 has no query hook, so we wrap Worker.prototype.postMessage and look only at
 * Material's two search messages. SETUP (type 0) carries the index, from which we learn its words;
 * QUERY (type 2) carries what was typed, which we rewrite. The search box is never touched: the
 * trainee sees and edits exactly what they typed, and a ?q= link takes the same way, because
 * Material sends it to the worker like typed text.
 *
 * How a Thai run is cut: into words of the index, the last of which may be the beginning of one,
 * so the query is cut where the pages were. Where several cuts fit, the one that ends words where
 * the browser's Intl.Segmenter (ICU) does wins, since the build cut the pages the way ICU does.
 * Text in no index word (a word the course does not have) is cut by Intl.Segmenter alone.
 *
 * Spellings: trainees type แอพ, ดิจิตอล, เฟสบุ๊ค. The build puts the course's spelling groups
 * (course/search-variants.yml) below; any spelling of a group finds the spelling the pages use.
 */
(function () {
  "use strict";

  if (window.osdThaiSearch || typeof Worker === "undefined") return;

  var SETUP = 0, QUERY = 2;
  /* [[lesson spelling, typed spelling, …], …], filled in by the build. */
  var GROUPS = /*osd-search-variants*/[];
  var THAI_OR_NOT = /[\u0e00-\u0e7f]+|[^\u0e00-\u0e7f]+/g;
  var IS_THAI = /^[\u0e00-\u0e7f]/;
  /* Lunr query syntax typed on purpose ("+a -b", "ab~1", "title:x"): leave such a query alone. */
  var SYNTAX = /["+*~^:]|(^|\s)-/;

  var separator = /[\s\u200b\-]+/;
  var corpus = "";            /* the index's text, lower case, to find spellings of several tokens */
  var words = new Set();      /* every token of the index, lower case */
  var thaiSorted = [];        /* Thai index words and Thai typed spellings, sorted for prefix look-up */
  var longest = 0;
  var groupOf = new Map();    /* any spelling, lower case → its group */
  var segmenter = null;
  try {
    segmenter = new Intl.Segmenter("th", { granularity: "word" });
  } catch (e) { /* old browser: an unknown Thai run stays one term */ }

  GROUPS.forEach(function (group) {
    group.forEach(function (spelling) { groupOf.set(spelling.toLowerCase(), group); });
  });

  /* The same clean-up as the build's content checks: what looks the same must match the same. */
  function normalise(text) {
    return text.normalize("NFC")
      .replace(/\u0e4d([\u0e48-\u0e4b]?)\u0e32/g, "$1\u0e33")        /* ํ + า typed for ำ */
      .replace(/\u0e40\u0e40/g, "\u0e41")                           /* เ + เ typed for แ */
      .replace(/([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\1+/g, "$1");   /* a mark typed twice */
  }

  function learn(config, docs) {
    if (config && typeof config.separator === "string") {
      try { separator = new RegExp(config.separator); } catch (e) { /* keep ours */ }
    }
    var thai = new Set(), texts = [];
    docs.forEach(function (doc) {
      [doc.title, doc.text].forEach(function (field) {
        if (typeof field !== "string") return;
        field = field.replace(/<[^>]*>/g, " ");
        texts.push(field.toLowerCase());
        field.split(separator).forEach(function (token) {
          if (!token) return;
          token = token.toLowerCase();
          words.add(token);
          if (IS_THAI.test(token)) thai.add(token);
        });
      });
    });
    groupOf.forEach(function (group, spelling) {
      if (IS_THAI.test(spelling)) thai.add(spelling);
    });
    corpus = texts.join("\n");
    thaiSorted = Array.from(thai).sort();
    longest = thaiSorted.reduce(function (n, w) { return Math.max(n, w.length); }, 0);
  }

  /* What a half-typed last piece can grow into: "prefix" of an index word, else a typed spelling. */
  function completion(text) {
    var lo = 0, hi = thaiSorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (thaiSorted[mid] < text) lo = mid + 1; else hi = mid;
    }
    var spelling = null;
    for (var i = lo; i < thaiSorted.length && thaiSorted[i].indexOf(text) === 0; i++) {
      if (words.has(thaiSorted[i])) return { kind: "prefix", text: text };
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
        else if (words.has(text)) piece = { kind: "word", text: text };
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

  /* A spelling group: the spellings the pages use, each as its index words. A spelling of
     several tokens counts only where the pages have them side by side (ไทยดี, not ไทย … ดี). */
  function spellingsOnSite(group) {
    var found = [];
    group.forEach(function (spelling) {
      var lower = spelling.toLowerCase(), tokens;
      if (IS_THAI.test(lower)) {
        var pieces = cut(lower, false, false);
        tokens = pieces ? pieces.map(function (p) { return p.text; }) : [];
      } else {
        tokens = lower.split(separator).filter(Boolean);
      }
      if (!tokens.length || !tokens.every(function (t) { return words.has(t); })) return;
      if (tokens.length > 1 && corpus.indexOf(tokens.join("\u200b")) < 0 && corpus.indexOf(lower) < 0) return;
      found.push(tokens);
    });
    return found;
  }

  function rewrite(query) {
    if (typeof query !== "string" || !query.trim() || SYNTAX.test(query)) return query;
    var clauses = [];
    function add(text, required, prefix) {
      var clause = (required ? "+" : "") + text + (prefix ? "*" : "");
      if (clauses.indexOf(clause) < 0) clauses.push(clause);
    }
    function addSpelling(typed) {
      var found = spellingsOnSite(groupOf.get(typed.toLowerCase()));
      if (!found.length) return false;
      /* One spelling on the site: required like any word. Several: any of them (lunr has no
         "(a OR b) AND c", so then the other words of the query decide). */
      found.forEach(function (tokens) {
        tokens.forEach(function (t, k) { add(t, found.length === 1, k === tokens.length - 1); });
      });
      return true;
    }

    normalise(query).trim().split(/[\s\u200b]+/).forEach(function (part) {
      (part.match(THAI_OR_NOT) || []).forEach(function (chunk) {
        if (IS_THAI.test(chunk)) {
          var pieces = cutThai(chunk);
          pieces.forEach(function (piece, k) {
            var last = k === pieces.length - 1;
            if (piece.kind === "spelling" && addSpelling(piece.text)) return;
            add(piece.text, true, last || piece.kind === "prefix");
          });
        } else if (!(groupOf.has(chunk.toLowerCase()) && addSpelling(chunk))) {
          var tokens = chunk.split(separator).filter(Boolean);
          tokens.forEach(function (t, k) { add(t, true, k === tokens.length - 1); });
        }
      });
    });
    return clauses.length ? clauses.join(" ") : query;
  }

  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    var args = Array.prototype.slice.call(arguments);
    try {
      if (message && message.type === SETUP && message.data && Array.isArray(message.data.docs)) {
        learn(message.data.config, message.data.docs);
      } else if (message && message.type === QUERY && typeof message.data === "string") {
        args[0] = { type: QUERY, data: rewrite(message.data) };
      }
    } catch (e) {
      /* Never break search: on any surprise the worker gets the query as typed. */
    }
    return post.apply(this, args);
  };

  /* For tests and the benchmark (bench/search.py): the rewrite, and whether the index is known. */
  window.osdThaiSearch = {
    rewrite: rewrite,
    ready: function () { return words.size > 0; }
  };
})();
