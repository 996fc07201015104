/**
 * Highlight-to-ask: when the reader selects text on the host page (outside the widget), the
 * widget offers to ask about it. onOffer(text, rect) is called with the selection and where
 * it is on screen, or onOffer("", null) when there is none.
 */

import { selectionContext } from "./answer.js";

export function watchSelection(host, max, onOffer) {
  var timer = null;
  function check() {
    timer = null;
    var sel = window.getSelection ? window.getSelection() : null;
    if (!sel || sel.isCollapsed || !sel.rangeCount) { onOffer("", null); return; }
    var range = sel.getRangeAt(0);
    var node = range.commonAncestorContainer;
    if (node && (node === host || (host.contains && host.contains(node)))) return; // inside the widget
    var el = node && node.nodeType === 1 ? node : node && node.parentNode;
    if (el && el.closest && el.closest("input, textarea, [contenteditable='true']")) { onOffer("", null); return; }
    var text = selectionContext(sel.toString(), max);
    if (text.length < 3) { onOffer("", null); return; }
    var rects = range.getClientRects();
    var rect = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    onOffer(text, rect);
  }
  document.addEventListener("selectionchange", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 200);
  });
}
