/**
 * From an answer object to what the panel draws: numbered references, the answer text cut
 * into plain runs and [n] markers, the sources to list, and where a quote lies in a text.
 * Pure: no DOM (tested with node --test).
 */

/** Numbered references: citation data where verified, passage data otherwise. */
export function buildRefs(ans) {
  var refs = {};
  var passages = (ans && ans.passages) || [];
  var byN = {};
  for (var i = 0; i < passages.length; i++) byN[passages[i].n] = passages[i];
  var cits = (ans && ans.citations) || [];
  for (var j = 0; j < cits.length; j++) {
    var c = cits[j];
    if (refs[c.n]) continue;
    refs[c.n] = {
      n: c.n, paragraph: c.paragraph, start: c.start, end: c.end,
      quote: c.quote || "", passage: byN[c.n] || null, cited: true
    };
  }
  for (var k in byN) {
    if (!refs[k]) {
      var p = byN[k];
      refs[k] = { n: p.n, paragraph: p.paragraph, start: p.start, end: p.end, quote: p.text || "", passage: p, cited: false };
    }
  }
  return refs;
}

var MARKER = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

/**
 * The answer text as [{text}] and [{n}] pieces; a marker with an unknown number stays text.
 * segments("On 9 October [1].", {1: ...}) -> [{text: "On 9 October "}, {n: 1}, {text: "."}]
 */
export function segments(text, refs) {
  text = String(text || "");
  var out = [];
  var last = 0, m;
  MARKER.lastIndex = 0;
  while ((m = MARKER.exec(text)) !== null) {
    var nums = m[1].split(/\s*[,;]\s*/).map(function (s) { return parseInt(s, 10); });
    if (!nums.every(function (n) { return !!refs[n]; })) continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    nums.forEach(function (n) { out.push({ n: n }); });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The numbers to list as sources: every verified citation and every passage the text cites. */
export function sourceNumbers(refs, pieces) {
  var used = pieces.filter(function (p) { return p.n !== undefined; }).map(function (p) { return p.n; });
  var out = [];
  for (var k in refs) {
    var n = refs[k].n;
    if ((refs[k].cited || used.indexOf(n) >= 0) && out.indexOf(n) < 0) out.push(n);
  }
  return out.sort(function (a, b) { return a - b; });
}

/** The citations' paragraph numbers, for feedback tied to what was cited. */
export function citedParagraphs(ans) {
  var out = [];
  ((ans && ans.citations) || []).forEach(function (c) {
    if (typeof c.paragraph === "number" && out.indexOf(c.paragraph) < 0) out.push(c.paragraph);
  });
  return out.sort(function (a, b) { return a - b; });
}

/** indexOf that ignores differences in whitespace; returns [lo, hi] in `text` or null. */
export function looseFind(text, needle) {
  var map = [], norm = "", prevSpace = false;
  for (var i = 0; i < text.length; i++) {
    var ch = text.charAt(i);
    if (/\s/.test(ch)) {
      if (prevSpace) continue;
      prevSpace = true; norm += " "; map.push(i);
    } else { prevSpace = false; norm += ch; map.push(i); }
  }
  var q = String(needle).replace(/\s+/g, " ").trim();
  if (!q) return null;
  var k = norm.indexOf(q);
  if (k < 0) return null;
  return [map[k], map[k + q.length - 1] + 1];
}

/**
 * Where ref's quote lies in `text`, which starts at article offset `offset` (NaN if unknown):
 * by offsets when they match the quote, else by searching, else the whole text.
 */
export function quoteRange(text, offset, ref) {
  if (!isNaN(offset) && typeof ref.start === "number" && typeof ref.end === "number") {
    var lo = ref.start - offset, hi = ref.end - offset;
    if (lo >= 0 && hi <= text.length && hi > lo && (!ref.quote || text.slice(lo, hi) === ref.quote)) return [lo, hi];
  }
  if (ref.quote) {
    var k = text.indexOf(ref.quote);
    if (k >= 0) return [k, k + ref.quote.length];
    var loose = looseFind(text, ref.quote);
    if (loose) return loose;
  }
  return [0, text.length];
}

/** s cut to n characters with an ellipsis. */
export function truncate(s, n) {
  s = String(s || "");
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

/**
 * A selection from the page as the context of a question: whitespace collapsed, at most max
 * characters (cut with "…"), "" when it has no letter or digit.
 */
export function selectionContext(text, max) {
  var s = String(text || "").replace(/\s+/g, " ").trim();
  if (!/[\p{L}\p{N}]/u.test(s)) return "";
  return truncate(s, max);
}
