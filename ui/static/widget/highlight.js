/**
 * Citations on the host page. When the page marks its paragraphs with data-aqa-paragraph="N"
 * data-aqa-start="OFFSET", a citation scrolls to its paragraph and wraps the quoted sentence
 * in <mark class="aqa-highlight"> (text nodes are split, never rewritten).
 */

import { quoteRange } from "./answer.js";
import { reducedMotion } from "./dom.js";
import { HOST_CSS } from "./styles.js";

function injectHostStyle() {
  if (document.getElementById("article-qa-host-style")) return;
  var s = document.createElement("style");
  s.id = "article-qa-host-style";
  s.textContent = HOST_CSS;
  (document.head || document.documentElement).appendChild(s);
}

export function hasHostAnchors() { return !!document.querySelector("[data-aqa-paragraph]"); }

export function removeHighlight() {
  var marks = document.querySelectorAll("mark.aqa-highlight[data-aqa-highlight]");
  var parents = [];
  for (var i = 0; i < marks.length; i++) {
    var m = marks[i], parent = m.parentNode;
    if (!parent) continue;
    while (m.firstChild) parent.insertBefore(m.firstChild, m);
    parent.removeChild(m);
    if (parents.indexOf(parent) < 0) parents.push(parent);
  }
  for (var j = 0; j < parents.length; j++) parents[j].normalize();
}

function anchorStart(a) { return parseInt(a.getAttribute("data-aqa-start"), 10); }

function contains(a, ref) {
  var s = anchorStart(a);
  return !isNaN(s) && ref.start >= s && ref.end <= s + (a.textContent || "").length;
}

function findAnchor(ref) {
  var anchors = document.querySelectorAll("[data-aqa-paragraph]");
  if (!anchors.length) return null;
  var byNum = null, i;
  for (i = 0; i < anchors.length; i++) {
    if (anchors[i].getAttribute("data-aqa-paragraph") === String(ref.paragraph)) { byNum = anchors[i]; break; }
  }
  var hasOffsets = typeof ref.start === "number" && typeof ref.end === "number";
  if (byNum && hasOffsets && contains(byNum, ref)) return byNum;
  if (hasOffsets) {
    for (i = 0; i < anchors.length; i++) if (contains(anchors[i], ref)) return anchors[i];
  }
  if (byNum) return byNum;
  if (ref.quote) {
    for (i = 0; i < anchors.length; i++) {
      if ((anchors[i].textContent || "").indexOf(ref.quote) >= 0) return anchors[i];
    }
  }
  return null;
}

function wrapRange(anchor, lo, hi) {
  var walker = document.createTreeWalker(anchor, NodeFilter.SHOW_TEXT, null);
  var pos = 0, node, targets = [];
  while ((node = walker.nextNode())) {
    var len = node.data.length, ns = pos, ne = pos + len;
    pos = ne;
    if (ne <= lo) continue;
    if (ns >= hi) break;
    var p = node.parentNode && node.parentNode.nodeName;
    if (p === "SCRIPT" || p === "STYLE" || p === "TEXTAREA") continue;
    targets.push([node, Math.max(lo, ns) - ns, Math.min(hi, ne) - ns]);
  }
  var marks = [];
  for (var i = 0; i < targets.length; i++) {
    var t = targets[i], mid = t[0], a = t[1], b = t[2];
    if (b <= a) continue;
    if (a > 0) mid = mid.splitText(a);
    if (b - a < mid.data.length) mid.splitText(b - a);
    var mark = document.createElement("mark");
    mark.className = "aqa-highlight";
    mark.setAttribute("data-aqa-highlight", "");
    mid.parentNode.insertBefore(mark, mid);
    mark.appendChild(mid);
    marks.push(mark);
  }
  return marks;
}

/** Highlight ref's quote on the page and scroll to it; false when the page has no anchors for it. */
export function highlightInHost(ref) {
  if (!hasHostAnchors()) return false;
  var anchor = findAnchor(ref);
  if (!anchor) return false;
  injectHostStyle();
  removeHighlight();
  var r = quoteRange(anchor.textContent || "", anchorStart(anchor), ref);
  var marks = wrapRange(anchor, r[0], r[1]);
  var target = marks[0] || anchor;
  var opts = { behavior: reducedMotion() ? "auto" : "smooth", block: "center", inline: "nearest" };
  // Centre the paragraph when it fits in the visible part of the page, otherwise the quote.
  var vh = window.innerHeight || document.documentElement.clientHeight;
  var reserved = parseFloat(document.documentElement.style.scrollPaddingBottom) || 0;
  if (anchor.getBoundingClientRect().height < (vh - reserved) * 0.8) target = anchor;
  try { target.scrollIntoView(opts); } catch (e) { target.scrollIntoView(); }
  return true;
}
