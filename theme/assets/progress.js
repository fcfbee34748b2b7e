/* The "ความก้าวหน้าของฉัน" page (progress/, written by coursebuild/offline.py): best score and
 * date of each quiz, a full-screen summary to show the trainer, and moving progress to another
 * phone as a short code or a QR code.
 *
 * Reads and writes the same storage as quiz.js: localStorage "osd-progress:<course>" =
 * {version: 1, quizzes: {<module>: {last: {...}, best: {score, total, passed, date}}}}.
 * This is a self-check record: anyone can edit it, and the page says so. The code has a checksum
 * against typing mistakes, not against forgery.
 *
 * Code format, version 1 (bytes, then Crockford base32 in groups of 4, e.g. "0J8Q-…"):
 *   1 | layout hash (2 bytes, FNV-1a of course id and quiz order) | bitmask of quizzes present
 *   | per quiz present: score, total + 128 if passed, day since 2020-01-01 (2 bytes) | CRC-16
 */
(function () {
  "use strict";

  var NAME_PREFIX = "osd-name:";
  var FILE = location.protocol === "file:";
  var DAY0 = Date.UTC(2020, 0, 1);
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  /* One storage format, kept by quiz.js (loaded first); this page only reads and merges it. */
  var store = window.osdProgressStore;
  var courseConfig = store.config, loadProgress = store.load, saveProgress = store.save;

  function thaiDate(iso, withTime) {
    var options = { year: "numeric", month: "short", day: "numeric" };
    if (withTime) { options.hour = "2-digit"; options.minute = "2-digit"; }
    try { return new Date(iso).toLocaleString("th-TH", options); } catch (e) { return String(iso).slice(0, 10); }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (attrs[name] !== null && attrs[name] !== false) node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return node;
  }

  function quizOrder(cfg) {
    return (cfg.modules || []).filter(function (id) { return cfg.quizzes && cfg.quizzes[id]; });
  }

  function best(data, id) {
    var q = data.quizzes[id];
    return q && q.best && q.best.total ? q.best : null;
  }

  function passedCount(cfg, data) {
    return quizOrder(cfg).filter(function (id) { var b = best(data, id); return b && b.passed; }).length;
  }

  /* --- the progress code ------------------------------------------------------------------ */

  function fnv16(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return (h ^ (h >>> 16)) & 0xffff;
  }

  function crc16(bytes) {
    var crc = 0xffff;
    bytes.forEach(function (b) {
      crc ^= b << 8;
      for (var i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    });
    return crc;
  }

  function toBase32(bytes) {
    var out = "", buffer = 0, bits = 0;
    bytes.forEach(function (b) {
      buffer = ((buffer << 8) | b) & 0xfff;
      bits += 8;
      while (bits >= 5) { out += ALPHABET[(buffer >>> (bits - 5)) & 31]; bits -= 5; }
    });
    if (bits) out += ALPHABET[(buffer << (5 - bits)) & 31];
    return out;
  }

  function fromBase32(text) {
    var clean = text.toUpperCase().replace(/[\s\-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
    var bytes = [], buffer = 0, bits = 0;
    for (var i = 0; i < clean.length; i++) {
      var v = ALPHABET.indexOf(clean[i]);
      if (v < 0) return null;
      buffer = ((buffer << 5) | v) & 0xfff;
      bits += 5;
      if (bits >= 8) { bytes.push((buffer >>> (bits - 8)) & 255); bits -= 8; }
    }
    return bytes;
  }

  function dayNumber(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return 0;
    var days = Math.round((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - DAY0) / 86400000);
    return Math.max(0, Math.min(65535, days));
  }

  function dayDate(days) {
    var d = new Date(DAY0 + days * 86400000);  /* noon local time: the same calendar day here */
    return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12).toISOString();
  }

  function encode(cfg, data) {
    var ids = quizOrder(cfg), hash = fnv16(cfg.course + ":" + ids.join(","));
    var mask = [], entries = [];
    for (var m = 0; m < Math.ceil(ids.length / 8); m++) mask.push(0);
    ids.forEach(function (id, i) {
      var b = best(data, id);
      if (!b) return;
      mask[i >> 3] |= 0x80 >> (i & 7);
      var total = Math.max(1, Math.min(127, b.total | 0)), score = Math.max(0, Math.min(total, b.score | 0));
      var day = dayNumber(b.date);
      entries.push(score, total | (b.passed ? 128 : 0), day >> 8, day & 255);
    });
    var bytes = [1, hash >> 8, hash & 255].concat(mask, entries);
    var crc = crc16(bytes);
    bytes.push(crc >> 8, crc & 255);
    return toBase32(bytes).replace(/(.{4})(?=.)/g, "$1-");
  }

  function decode(cfg, text) {
    var bytes = fromBase32(text || "");
    if (!bytes) return { error: "รหัสมีตัวอักษรที่ไม่ได้ใช้ในรหัส ตรวจทีละตัวอีกครั้ง" };
    if (bytes.length < 5) return { error: "รหัสสั้นเกินไป คัดลอกมาไม่ครบหรือไม่" };
    var body = bytes.slice(0, -2), crc = crc16(body);
    if (bytes[bytes.length - 2] !== crc >> 8 || bytes[bytes.length - 1] !== (crc & 255)) {
      return { error: "รหัสไม่ถูกต้อง อาจพิมพ์ผิดหรือขาดไปบางตัว ตรวจทีละตัวอีกครั้ง" };
    }
    if (body[0] !== 1) return { error: "รหัสนี้มาจากเว็บไซต์รุ่นอื่น ใช้กับหน้านี้ไม่ได้" };
    var ids = quizOrder(cfg);
    if (((body[1] << 8) | body[2]) !== fnv16(cfg.course + ":" + ids.join(","))) {
      return { error: "รหัสนี้เป็นของหลักสูตรอื่น หรือหลักสูตรฉบับที่มีแบบทดสอบต่างจากนี้" };
    }
    var at = 3 + Math.ceil(ids.length / 8), quizzes = {}, count = 0;
    for (var i = 0; i < ids.length; i++) {
      if (!(body[3 + (i >> 3)] & (0x80 >> (i & 7)))) continue;
      if (at + 4 > body.length) return { error: "รหัสไม่ครบ" };
      var score = body[at], total = body[at + 1] & 127, passed = !!(body[at + 1] & 128);
      if (!total || score > total) return { error: "รหัสไม่ถูกต้อง" };
      quizzes[ids[i]] = { score: score, total: total, passed: passed, date: dayDate((body[at + 2] << 8) | body[at + 3]) };
      at += 4;
      count++;
    }
    if (at !== body.length) return { error: "รหัสไม่ถูกต้อง" };
    return { quizzes: quizzes, count: count };
  }

  /* Keep the better of the two: a higher share of right answers, or a pass over a fail. */
  function merge(data, quizzes) {
    var changed = 0;
    Object.keys(quizzes).forEach(function (id) {
      var mine = best(data, id), theirs = quizzes[id];
      var a = theirs.score / theirs.total, b = mine ? mine.score / mine.total : -1;
      if (!mine || a > b || (a === b && theirs.passed && !mine.passed)) {
        data.quizzes[id] = Object.assign({}, data.quizzes[id] || {}, { best: theirs });
        changed++;
      }
    });
    return changed;
  }

  /* --- QR code (byte mode, ISO/IEC 18004), drawn as SVG: no library, no network ------------ */

  var QR = (function () {
    var LEVELS = {
      L: { bits: 1, ecc: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
           blocks: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25] },
      M: { bits: 0, ecc: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
           blocks: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49] }
    };

    function rawModules(v) {
      var n = (16 * v + 128) * v + 64;
      if (v >= 2) { var a = Math.floor(v / 7) + 2; n -= (25 * a - 10) * a - 55; if (v >= 7) n -= 36; }
      return n;
    }

    function gfMul(x, y) {
      var z = 0;
      for (var i = 7; i >= 0; i--) { z = (z << 1) ^ ((z >>> 7) * 0x11d); z ^= ((y >>> i) & 1) * x; }
      return z;
    }

    function divisor(degree) {
      var r = [], root = 1, i, j;
      for (i = 0; i < degree - 1; i++) r.push(0);
      r.push(1);
      for (i = 0; i < degree; i++) {
        for (j = 0; j < r.length; j++) { r[j] = gfMul(r[j], root); if (j + 1 < r.length) r[j] ^= r[j + 1]; }
        root = gfMul(root, 2);
      }
      return r;
    }

    function remainder(data, div) {
      var r = div.map(function () { return 0; });
      data.forEach(function (b) {
        var factor = b ^ r.shift();
        r.push(0);
        div.forEach(function (c, i) { r[i] ^= gfMul(c, factor); });
      });
      return r;
    }

    function utf8(text) {
      return Array.prototype.slice.call(new TextEncoder().encode(text));
    }

    function make(text, level, forcedMask) {
      var L = LEVELS[level || "L"], bytes = utf8(text), v, capacity;
      for (v = 1; v <= 40; v++) {
        capacity = (Math.floor(rawModules(v) / 8) - L.ecc[v - 1] * L.blocks[v - 1]) * 8;
        if (4 + (v < 10 ? 8 : 16) + bytes.length * 8 <= capacity) break;
      }
      if (v > 40) throw new RangeError("too long for a QR code");
      var bits = [];
      function put(value, n) { for (var i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1); }
      put(4, 4);
      put(bytes.length, v < 10 ? 8 : 16);
      bytes.forEach(function (b) { put(b, 8); });
      put(0, Math.min(4, capacity - bits.length));
      put(0, (8 - bits.length % 8) % 8);
      for (var pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) put(pad, 8);
      var data = [];
      for (var i = 0; i < bits.length; i += 8) data.push(parseInt(bits.slice(i, i + 8).join(""), 2));

      /* Error correction blocks, interleaved. */
      var nBlocks = L.blocks[v - 1], eccLen = L.ecc[v - 1], raw = Math.floor(rawModules(v) / 8);
      var nShort = nBlocks - raw % nBlocks, shortLen = Math.floor(raw / nBlocks), div = divisor(eccLen);
      var blocks = [], k = 0;
      for (i = 0; i < nBlocks; i++) {
        var dat = data.slice(k, k + shortLen - eccLen + (i < nShort ? 0 : 1));
        k += dat.length;
        var ecc = remainder(dat, div);
        if (i < nShort) dat.push(0);
        blocks.push(dat.concat(ecc));
      }
      var codewords = [];
      for (i = 0; i < blocks[0].length; i++) {
        for (var j = 0; j < blocks.length; j++) if (i !== shortLen - eccLen || j >= nShort) codewords.push(blocks[j][i]);
      }

      /* The matrix: function patterns first, then data, then the mask. */
      var size = v * 4 + 17, dark = [], fixed = [];
      for (i = 0; i < size; i++) { dark.push(new Array(size).fill(false)); fixed.push(new Array(size).fill(false)); }
      function set(x, y, on) { dark[y][x] = on; fixed[y][x] = true; }
      for (i = 0; i < size; i++) { set(6, i, i % 2 === 0); set(i, 6, i % 2 === 0); }
      [[3, 3], [size - 4, 3], [3, size - 4]].forEach(function (c) {
        for (var dy = -4; dy <= 4; dy++) for (var dx = -4; dx <= 4; dx++) {
          var d = Math.max(Math.abs(dx), Math.abs(dy)), x = c[0] + dx, y = c[1] + dy;
          if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, d !== 2 && d !== 4);
        }
      });
      var align = [];
      if (v > 1) {
        var n = Math.floor(v / 7) + 2, step = Math.floor((v * 8 + n * 3 + 5) / (n * 4 - 4)) * 2;
        for (var pos = size - 7; align.length < n - 1; pos -= step) align.unshift(pos);
        align.unshift(6);
      }
      align.forEach(function (ay, a) {
        align.forEach(function (ax, b) {
          if ((a === 0 && b === 0) || (a === 0 && b === align.length - 1) || (a === align.length - 1 && b === 0)) return;
          for (var dy = -2; dy <= 2; dy++) for (var dx = -2; dx <= 2; dx++) set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
        });
      });
      function format(mask) {
        var d = (L.bits << 3) | mask, r = d;
        for (var t = 0; t < 10; t++) r = (r << 1) ^ ((r >>> 9) * 0x537);
        var f = ((d << 10) | r) ^ 0x5412;
        function bit(t) { return ((f >>> t) & 1) === 1; }
        for (t = 0; t <= 5; t++) set(8, t, bit(t));
        set(8, 7, bit(6)); set(8, 8, bit(7)); set(7, 8, bit(8));
        for (t = 9; t < 15; t++) set(14 - t, 8, bit(t));
        for (t = 0; t < 8; t++) set(size - 1 - t, 8, bit(t));
        for (t = 8; t < 15; t++) set(8, size - 15 + t, bit(t));
        set(8, size - 8, true);
      }
      format(0);
      if (v >= 7) {
        var r = v;
        for (i = 0; i < 12; i++) r = (r << 1) ^ ((r >>> 11) * 0x1f25);
        var vb = (v << 12) | r;
        for (i = 0; i < 18; i++) {
          var on = ((vb >>> i) & 1) === 1, a = size - 11 + i % 3, b = Math.floor(i / 3);
          set(a, b, on); set(b, a, on);
        }
      }
      var bit = 0;
      for (var right = size - 1; right >= 1; right -= 2) {
        if (right === 6) right = 5;
        for (var vert = 0; vert < size; vert++) {
          for (j = 0; j < 2; j++) {
            var x = right - j, y = ((right + 1) & 2) === 0 ? size - 1 - vert : vert;
            if (!fixed[y][x] && bit < codewords.length * 8) {
              dark[y][x] = ((codewords[bit >>> 3] >>> (7 - (bit & 7))) & 1) === 1;
              bit++;
            }
          }
        }
      }
      var MASKS = [
        function (x, y) { return (x + y) % 2 === 0; }, function (x, y) { return y % 2 === 0; },
        function (x) { return x % 3 === 0; }, function (x, y) { return (x + y) % 3 === 0; },
        function (x, y) { return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0; },
        function (x, y) { return x * y % 2 + x * y % 3 === 0; },
        function (x, y) { return (x * y % 2 + x * y % 3) % 2 === 0; },
        function (x, y) { return ((x + y) % 2 + x * y % 3) % 2 === 0; }];
      function masked(mask) {
        format(mask);
        return dark.map(function (row, y) {
          return row.map(function (on, x) { return fixed[y][x] ? on : on !== MASKS[mask](x, y); });
        });
      }
      if (forcedMask !== undefined) return masked(forcedMask);
      var choice = null;
      for (var m = 0; m < 8; m++) {
        var grid = masked(m), score = penalty(grid);
        if (!choice || score < choice.score) choice = { grid: grid, score: score, mask: m };
      }
      format(choice.mask);
      return choice.grid;
    }

    /* The standard's four penalty rules, to pick the mask that scans best. */
    function penalty(grid) {
      var size = grid.length, score = 0, darkCount = 0, x, y;
      function lines(get) {
        for (var a = 0; a < size; a++) {
          var run = 1, text = "0000";
          for (var b = 0; b < size; b++) {
            if (b > 0 && get(a, b) === get(a, b - 1)) { run++; if (run === 5) score += 3; else if (run > 5) score++; }
            else run = 1;
            text += get(a, b) ? "1" : "0";
          }
          text += "0000";
          ["10111010000", "00001011101"].forEach(function (pattern) {
            for (var at = text.indexOf(pattern); at >= 0; at = text.indexOf(pattern, at + 1)) score += 40;
          });
        }
      }
      lines(function (a, b) { return grid[a][b]; });
      lines(function (a, b) { return grid[b][a]; });
      for (y = 0; y < size; y++) {
        for (x = 0; x < size; x++) {
          if (grid[y][x]) darkCount++;
          if (x + 1 < size && y + 1 < size && grid[y][x] === grid[y][x + 1] &&
              grid[y][x] === grid[y + 1][x] && grid[y][x] === grid[y + 1][x + 1]) score += 3;
        }
      }
      var total = size * size;
      score += (Math.ceil(Math.abs(darkCount * 20 - total * 10) / total) - 1) * 10;
      return score;
    }

    function svg(grid, label) {
      var border = 4, n = grid.length + border * 2, path = "";
      grid.forEach(function (row, y) {
        row.forEach(function (on, x) { if (on) path += "M" + (x + border) + " " + (y + border) + "h1v1h-1z"; });
      });
      var node = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      node.setAttribute("viewBox", "0 0 " + n + " " + n);
      node.setAttribute("role", "img");
      node.setAttribute("aria-label", label);
      node.setAttribute("shape-rendering", "crispEdges");
      var bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      bg.setAttribute("width", n); bg.setAttribute("height", n); bg.setAttribute("fill", "#fff");
      var fg = document.createElementNS("http://www.w3.org/2000/svg", "path");
      fg.setAttribute("d", path); fg.setAttribute("fill", "#000");
      node.appendChild(bg);
      node.appendChild(fg);
      return node;
    }

    return { make: make, svg: svg };
  })();

  /* --- looks ------------------------------------------------------------------------------ */

  function addStyle() {
    if (document.getElementById("osd-progress-style")) return;
    var style = document.createElement("style");
    style.id = "osd-progress-style";
    style.textContent = [
      ".osd-progress__note{padding:.5rem .8rem;border-left:.25rem solid #8a3b00;background:#8a3b000d}",
      ".osd-progress__count{font-size:1.1em;font-weight:700}",
      ".md-typeset .osd-progress__table{display:table;width:100%;font-size:.9em}",
      ".md-typeset .osd-progress__table th,.md-typeset .osd-progress__table td{padding:.5em .5em;vertical-align:top}",
      ".osd-progress__table th[scope=row]{font-weight:400}",
      ".md-typeset .osd-progress__table th{text-align:left}",
      ".osd-progress__table td{white-space:nowrap}",
      ".osd-progress__table small{display:block;color:var(--md-default-fg-color--light)}",
      ".osd-progress__table td[data-state=passed]{color:#1e6b3a;font-weight:700}",
      ".osd-progress__table td[data-state=failed]{color:#8a3b00;font-weight:700}",
      ".osd-progress input[type=text]{display:block;width:100%;max-width:24rem;margin:.3rem 0 .5rem;padding:.45rem .6rem;",
      "font:inherit;border:1px solid #0000008a;border-radius:.2rem;background:#fff;color:inherit}",
      ".osd-progress input[data-progress-code]{font-family:var(--md-code-font-family);letter-spacing:.05em}",
      ".osd-progress__name{display:block}",
      ".osd-progress__qr svg{display:block;width:15rem;max-width:100%;height:auto;margin:.8rem 0}",
      ".osd-progress__status[data-state=error]{color:#a4262c;font-weight:600}",
      ".osd-progress__status[data-state=ok]{color:#1e6b3a;font-weight:600}",
      ".osd-summary{position:fixed;inset:0;z-index:10;overflow:auto;background:#fff;color:#111;",
      "padding:1.2rem 1.2rem 2rem;font-size:1rem;line-height:1.6}",
      ".osd-summary__inner{max-width:40rem;margin:0 auto}",
      ".osd-summary__close{float:right;min-height:2.6rem;padding:.3rem .9rem;border:1px solid #17365d;border-radius:.3rem;",
      "background:#fff;color:#17365d;font:inherit;font-weight:700;cursor:pointer}",
      ".osd-summary__kicker{margin:.4rem 0 0;color:#17365d;font-weight:700}",
      ".osd-summary h2{margin:.3rem 0 .2rem;font-size:1.35rem;line-height:1.4;color:#17365d;clear:both}",
      ".osd-summary__name{margin:0;font-size:1.25rem;font-weight:700}",
      ".osd-summary__count{margin:.8rem 0;padding:.6rem .8rem;border-radius:.3rem;background:#17365d;color:#fff}",
      ".osd-summary__count span{white-space:nowrap}",
      ".osd-summary__count strong{font-size:1.5rem;margin-right:.4rem}",
      ".osd-summary__list{list-style:none;margin:0;padding:0}",
      ".osd-summary__list li{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .8rem;padding:.5rem 0;border-bottom:1px solid #0000002e}",
      ".osd-summary__score{font-weight:700;white-space:nowrap}",
      ".osd-summary__list li[data-state=passed] .osd-summary__score{color:#1e6b3a}",
      ".osd-summary__list li[data-state=failed] .osd-summary__score{color:#8a3b00}",
      ".osd-summary__list li[data-state=todo] .osd-summary__score{color:#000000b3;font-weight:400}",
      ".osd-summary__when{margin:1rem 0 .3rem;color:#000000b3}",
      ".osd-summary__disclaimer{margin:0;padding:.5rem .8rem;border:2px solid #8a3b00;border-radius:.3rem;color:#8a3b00;font-weight:700}",
      "@media print{.osd-summary{position:static}.osd-summary__close{display:none}}"
    ].join("\n");
    /* In the body: Material's instant navigation drops head elements the next page lacks. */
    document.body.appendChild(style);
  }

  /* --- the page --------------------------------------------------------------------------- */

  function scoreText(b) { return b.score + "/" + b.total; }

  function renderTable(root, cfg, data) {
    var rows = root.querySelectorAll("tr[data-progress-row]:not([data-no-quiz])");
    for (var i = 0; i < rows.length; i++) {
      var id = rows[i].getAttribute("data-progress-row"), b = best(data, id);
      var score = rows[i].querySelector("[data-cell=score]"), result = rows[i].querySelector("[data-cell=result]");
      if (b) {
        score.replaceChildren(scoreText(b), el("small", { text: thaiDate(b.date) }));
        result.textContent = b.passed ? "✓ ผ่าน" : "ยังไม่ผ่าน";
      } else {
        score.textContent = "–";
        result.textContent = "ยังไม่ได้ทำ";
      }
      result.setAttribute("data-state", b ? (b.passed ? "passed" : "failed") : "todo");
    }
    var total = quizOrder(cfg).length, passed = passedCount(cfg, data);
    root.querySelector("[data-progress-count]").textContent = "ผ่านแล้ว " + passed + " จาก " + total + " แบบทดสอบ";
    /* The header badge and home page line of quiz.js, in its own words. */
    var summary = "ผ่านแล้ว " + passed + "/" + total;
    var slots = document.querySelectorAll(".osd-progress-badge, [data-progress-summary]");
    for (var s = 0; s < slots.length; s++) slots[s].textContent = summary;
  }

  function courseTitle(root) { return root.getAttribute("data-course-title") || document.title; }

  function moduleTitles(root) {
    var titles = {}, rows = root.querySelectorAll("tr[data-progress-row]");
    for (var i = 0; i < rows.length; i++) titles[rows[i].getAttribute("data-progress-row")] = rows[i].querySelector("th").textContent.trim();
    return titles;
  }

  function readName(cfg) {
    try { return localStorage.getItem(NAME_PREFIX + cfg.course) || ""; } catch (e) { return ""; }
  }

  function openSummary(root, cfg, opener) {
    closeSummary();
    var data = loadProgress(cfg), titles = moduleTitles(root), ids = quizOrder(cfg), name = readName(cfg);
    var close = el("button", { type: "button", "class": "osd-summary__close", text: "ปิด ✕" });
    var list = el("ol", { "class": "osd-summary__list" }, ids.map(function (id) {
      var b = best(data, id);
      var text = b ? scoreText(b) + (b.passed ? " ✓ ผ่าน" : " ยังไม่ผ่าน") + " · " + thaiDate(b.date) : "ยังไม่ได้ทำ";
      return el("li", { "data-state": b ? (b.passed ? "passed" : "failed") : "todo", "data-summary-row": id }, [
        el("span", { text: titles[id] || id }), el("span", { "class": "osd-summary__score", text: text })]);
    }));
    var box = el("div", { "class": "osd-summary", role: "dialog", "aria-modal": "true", "aria-labelledby": "osd-summary-title",
                          "data-progress-summary-view": true }, [
      el("div", { "class": "osd-summary__inner" }, [
        close,
        el("p", { "class": "osd-summary__kicker", text: "สรุปความก้าวหน้า" }),
        el("h2", { id: "osd-summary-title", text: courseTitle(root) }),
        name ? el("p", { "class": "osd-summary__name", text: name }) : null,
        el("p", { "class": "osd-summary__count", "data-summary-count": true }, [
          el("strong", { text: "ผ่านแล้ว " + passedCount(cfg, data) + " จาก " + ids.length }), " ",
          el("span", { text: "แบบทดสอบ" })]),
        list,
        el("p", { "class": "osd-summary__when", text: "แสดงเมื่อ " + thaiDate(new Date().toISOString(), true) + " น." }),
        el("p", { "class": "osd-summary__disclaimer", text: "บันทึกเพื่อทบทวนตนเอง ไม่ใช่เอกสารรับรอง" })])]);
    function done() {
      closeSummary();
      if (opener && opener.isConnected) opener.focus();
    }
    close.addEventListener("click", done);
    box.addEventListener("keydown", function (event) { if (event.key === "Escape") done(); });
    document.body.appendChild(box);
    document.documentElement.style.overflow = "hidden";
    close.focus();
    if (box.requestFullscreen) box.requestFullscreen().catch(function () { /* the overlay is enough */ });
  }

  function closeSummary() {
    var box = document.querySelector(".osd-summary");
    if (!box) return;
    if (document.fullscreenElement === box && document.exitFullscreen) document.exitFullscreen().catch(function () {});
    box.remove();
    document.documentElement.style.overflow = "";
  }

  function status(root, text, kind) {
    var slot = root.querySelector("[data-progress-import-status]");
    slot.textContent = text;
    slot.setAttribute("data-state", kind || "");
  }

  function setup(root, cfg) {
    if (root.getAttribute("data-progress-ready")) return;
    root.setAttribute("data-progress-ready", "true");
    addStyle();
    renderTable(root, cfg, loadProgress(cfg));

    var nameInput = root.querySelector("[data-progress-name]");
    nameInput.value = readName(cfg);
    nameInput.addEventListener("input", function () {
      try { localStorage.setItem(NAME_PREFIX + cfg.course, nameInput.value.trim()); } catch (e) { /* not kept */ }
    });

    var summaryButton = root.querySelector("[data-progress-summary-open]");
    summaryButton.addEventListener("click", function () { openSummary(root, cfg, summaryButton); });

    root.querySelector("[data-progress-export]").addEventListener("click", function () {
      var code = encode(cfg, loadProgress(cfg));
      var box = root.querySelector("[data-progress-export-box]");
      root.querySelector("[data-progress-code]").value = code;
      var qr = root.querySelector("[data-progress-qr]");
      qr.replaceChildren();
      if (!FILE) {  /* a file:// address means nothing on another phone */
        var url = location.href.split("#")[0] + "#import=" + code.replace(/-/g, "");
        try {
          qr.appendChild(QR.svg(QR.make(url, "L"), "คิวอาร์โค้ดสำหรับนำเข้าความก้าวหน้าบนเครื่องอื่น"));
          qr.appendChild(el("p", { text: "สแกนด้วยกล้องของเครื่องใหม่ แล้วกด “นำเข้า”" }));
        } catch (e) { /* too long for a QR code: the typed code still works */ }
      }
      box.hidden = false;
    });

    var codeInput = root.querySelector("[data-progress-code]");
    root.querySelector("[data-progress-copy]").addEventListener("click", function () {
      var button = this;
      function copied() { button.textContent = "คัดลอกแล้ว ✓"; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(codeInput.value).then(copied, function () {
          codeInput.select();
          if (document.execCommand("copy")) copied();
        });
      } else {
        codeInput.select();
        if (document.execCommand("copy")) copied();
      }
    });

    var importInput = root.querySelector("[data-progress-import-code]");
    root.querySelector("[data-progress-import]").addEventListener("click", function () {
      var result = decode(cfg, importInput.value);
      if (result.error) return status(root, result.error, "error");
      var data = loadProgress(cfg), changed = merge(data, result.quizzes);
      saveProgress(cfg, data);
      renderTable(root, cfg, data);
      status(root, "นำเข้าแล้ว: รหัสมีผล " + result.count + " แบบทดสอบ ใช้คะแนนจากรหัส " + changed +
             " แบบทดสอบ (ที่เหลือคะแนนในเครื่องนี้ดีกว่าหรือเท่ากัน)", "ok");
    });

    var match = /[#&]import=([0-9A-Za-z\-]+)/.exec(location.hash);
    if (match) {
      importInput.value = match[1].toUpperCase().replace(/-/g, "").replace(/(.{4})(?=.)/g, "$1-");
      status(root, "ได้รับรหัสจากอีกเครื่องแล้ว กด “นำเข้า” เพื่อเก็บคะแนน", "");
      history.replaceState(history.state, "", location.href.split("#")[0] + "#import");
      importInput.scrollIntoView({ block: "center" });
    }
  }

  function init() {
    closeSummary();  /* instant navigation away from an open summary */
    var cfg = courseConfig(), root = document.querySelector("[data-osd-progress]");
    if (cfg && root) setup(root, cfg);
  }

  /* For tests: the code and the QR matrix. */
  window.osdProgress = {
    encode: function (data) { return encode(courseConfig(), data); },
    decode: function (code) { return decode(courseConfig(), code); },
    qr: function (text, level, mask) {
      return QR.make(text, level, mask).map(function (row) { return row.map(function (on) { return on ? 1 : 0; }).join(""); });
    }
  };

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
