/* Certificate check on the visitor's own device.
 *
 * The site holds no names: for each issued certificate only SHA-256("osd-certificate-v1\n" +
 * number + "\n" + name key), and for each revoked one SHA-256("osd-revoked-v1\n" + number).
 * We hash what the visitor types with crypto.subtle and look it up; nothing typed is sent
 * anywhere. Must match coursebuild/verify.py and roster.name_key(): change them together.
 */
(function () {
  "use strict";

  var VALID_LABEL = "osd-certificate-v1";
  var REVOKED_LABEL = "osd-revoked-v1";
  var HASH_HEX = 32;
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  var files = {};

  /* thai.normalise_name: NFC, ํ + า typed for ำ joined, invisible characters dropped. */
  function normaliseName(text) {
    return text.normalize("NFC").replace(/\u0e4d\u0e32/g, "\u0e33").replace(/\p{Cf}/gu, "")
      .replace(/\s+/g, " ").trim();
  }

  /* roster.name_key: no spaces, lower case. */
  function nameKey(text) {
    return normaliseName(text).replace(/\s+/g, "").toLowerCase();
  }

  /* The certificate hashes the name without its prefix; the visitor may type one, several
     (ผศ.ดร., รศ. พ.ท. ดร.) or none. Every reading is tried, so a first name such as นางนวล is
     never cut short. `prefixes` is the course's list (theme/certificate/prefixes.yml and
     course/prefixes.yml), filled in by the build, longest first. */
  function nameKeys(text, prefixes) {
    var start = nameKey(text);
    var keys = [start], seen = {}, queue = [start];
    seen[start] = true;
    while (queue.length && keys.length < 64) {
      var name = queue.shift();
      prefixes.forEach(function (prefix) {
        var key = nameKey(prefix);
        if (key && name.indexOf(key) === 0 && name.length > key.length && !seen[name.slice(key.length)]) {
          seen[name.slice(key.length)] = true;
          keys.push(name.slice(key.length));
          queue.push(name.slice(key.length));
        }
      });
    }
    return keys;
  }

  function normaliseNumber(text) {
    var out = "";
    text = (text || "").normalize("NFC");
    for (var i = 0; i < text.length; i++) {
      var digit = THAI_DIGITS.indexOf(text[i]);
      out += digit >= 0 ? String(digit) : text[i];
    }
    return out.replace(/[\u2010-\u2015\u2212]/g, "-").replace(/\s+/g, "").toUpperCase();
  }

  function sha(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("").slice(0, HASH_HEX);
    });
  }

  function load(file) {
    if (!files[file]) {
      files[file] = fetch(file, { cache: "no-cache" }).then(function (response) {
        if (!response.ok) throw new Error(file + ": " + response.status);
        return response.json();
      });
      files[file].catch(function () { delete files[file]; });
    }
    return files[file];
  }

  function show(box, state, title, detail) {
    box.setAttribute("data-result", state);
    box.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    box.appendChild(strong);
    if (detail) {
      var p = document.createElement("span");
      p.textContent = detail;
      box.appendChild(p);
    }
  }

  function check(form) {
    var box = form.querySelector("[data-verify-result]");
    var number = normaliseNumber(form.elements.number.value);
    var name = form.elements.name.value;
    if (!number) {
      show(box, "incomplete", "กรุณากรอกเลขที่วุฒิบัตร", "");
      return Promise.resolve();
    }
    if (!(window.crypto && crypto.subtle)) {
      show(box, "error", "เบราว์เซอร์นี้ตรวจสอบไม่ได้", "กรุณาเปิดหน้านี้ผ่านเว็บไซต์ (https://) ด้วยเบราว์เซอร์รุ่นใหม่");
      return Promise.resolve();
    }
    var cohorts = JSON.parse(form.getAttribute("data-cohorts") || "[]").filter(function (cohort) {
      return number.indexOf(normaliseNumber(cohort.prefix)) === 0;
    });
    show(box, "checking", "กำลังตรวจสอบ…", "");
    return Promise.all([
      Promise.all(cohorts.map(function (cohort) { return load(cohort.file); })),
      sha(REVOKED_LABEL + "\n" + number),
      Promise.all(nameKeys(name, JSON.parse(form.getAttribute("data-prefixes") || "[]")).map(function (key) {
        return sha(VALID_LABEL + "\n" + number + "\n" + key);
      }))
    ]).then(function (results) {
      var data = results[0], revoked = results[1], valid = results[2];
      for (var i = 0; i < data.length; i++) {
        if (data[i].revoked.indexOf(revoked) >= 0) {
          show(box, "revoked", "ถูกเพิกถอน", "วุฒิบัตรเลขที่ " + number + " ถูกเพิกถอนแล้ว ใช้อ้างอิงไม่ได้");
          return;
        }
      }
      if (!normaliseName(name)) {
        show(box, "incomplete", "กรุณากรอกชื่อ–นามสกุล", "กรอกชื่อตามที่พิมพ์บนวุฒิบัตร แล้วกดตรวจสอบ");
        form.elements.name.focus();
        return;
      }
      for (var j = 0; j < data.length; j++) {
        for (var k = 0; k < valid.length; k++) {
          if (data[j].valid.indexOf(valid[k]) >= 0) {
            show(box, "valid", "ถูกต้อง", "วุฒิบัตรเลขที่ " + number + " ออกให้ " + normaliseName(name) +
              " · " + data[j].title + " · ลงวันที่ " + data[j].issued);
            return;
          }
        }
      }
      show(box, "unknown", "ไม่พบ", "ไม่พบวุฒิบัตรที่ตรงกับเลขที่และชื่อนี้ ตรวจสอบว่าเลขที่และการสะกดชื่อ–นามสกุลตรงกับที่พิมพ์บนวุฒิบัตร");
    }).catch(function () {
      show(box, "error", "ตรวจสอบไม่ได้ในขณะนี้", "โหลดข้อมูลไม่สำเร็จ กรุณาลองใหม่อีกครั้ง");
    });
  }

  function numberFromAddress() {
    var text = "";
    try {
      var query = new URLSearchParams(location.search).get("n");
      text = query || decodeURIComponent(location.hash.replace(/^#/, ""));
    } catch (e) { /* a malformed address: leave the field empty */ }
    return normaliseNumber(text);
  }

  function init() {
    var form = document.querySelector("[data-osd-verify]");
    if (!form || form.hasAttribute("data-ready")) return;
    form.setAttribute("data-ready", "");
    var box = form.querySelector("[data-verify-result]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check(form);
    });
    /* A result belongs to what was checked: clear it as soon as either field changes. */
    form.addEventListener("input", function () {
      box.removeAttribute("data-result");
      box.textContent = "";
    });
    function prefill() {
      var number = numberFromAddress();
      if (number) {
        form.elements.number.value = number;
        box.removeAttribute("data-result");
        box.textContent = "";
        form.elements.name.focus();
      }
    }
    window.addEventListener("hashchange", prefill);
    prefill();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
