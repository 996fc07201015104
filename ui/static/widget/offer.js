/**
 * Highlight-to-ask: the "Ask about this" button offered next to text the reader selected on the
 * host page, for the mouse and the keyboard alike. It appears below the selection (above it at
 * the foot of the screen) and a polite announcement says how to reach it: the next Tab after
 * selecting, or Alt+Shift+Q at any time, moves focus to it; Enter presses it; Escape dismisses
 * it. Tab is taken once per selection, so it never traps the reader.
 * offerPosition and offerKey are pure (tested with node --test).
 */

import { el, icon } from "./dom.js";

export var OFFER_SHORTCUT = "Alt+Shift+Q";

/**
 * Where the button goes (px, viewport coordinates): under the selection's last line, right
 * edges aligned, or above it when there is no room below; always inside the viewport.
 * offerPosition({top: 100, bottom: 120, right: 500}, {width: 160, height: 32}, {width: 1280, height: 900})
 *   -> {top: 128, left: 340}
 */
export function offerPosition(rect, size, viewport) {
  var below = rect.bottom + 8;
  var top = below + size.height > viewport.height ? Math.max(4, rect.top - size.height - 8) : below;
  var left = Math.min(Math.max(4, rect.right - size.width), viewport.width - size.width - 4);
  return { top: Math.round(top), left: Math.round(left) };
}

/**
 * What a key does while the button is offered: "focus" (move to the button), "dismiss" (Escape
 * on the button) or "" (nothing: the page or the button handles it as usual).
 * state: {onButton: focus is on the button, tabbed: Tab already went to it for this selection,
 * editable: the key went to a text field of the page}.
 */
export function offerKey(ev, state) {
  if (state.onButton) return ev.key === "Escape" ? "dismiss" : "";
  if (state.editable || ev.ctrlKey || ev.metaKey) return "";
  if (ev.key === "Tab" && !ev.shiftKey && !ev.altKey && !state.tabbed) return "focus";
  if (ev.code === "KeyQ" && ev.altKey && ev.shiftKey) return "focus";
  return "";
}

function isEditable(node) {
  return !!(node && node.closest && node.closest("input, textarea, select, [contenteditable='true']"));
}

/**
 * The button and its announcement; offer(text, rect) shows it for a selection (or hides it for
 * ""), onAsk(text) runs when it is pressed. Append `nodes` to the widget's shadow root.
 */
export function createOffer(T, onAsk) {
  var button = el("button", {
    id: "aqa-ask-selection", className: "aqa-ask-selection", type: "button", hidden: true,
    "aria-keyshortcuts": OFFER_SHORTCUT
  }, [icon("chat"), el("span", { text: T.askSelection })]);
  var status = el("div", { id: "aqa-offer-status", className: "aqa-sr", role: "status", "aria-live": "polite" });
  var offered = "";
  var tabbed = false;

  function onButton() {
    var root = button.getRootNode();
    return !!root && root.activeElement === button;
  }

  function hide() {
    offered = "";
    tabbed = false;
    button.hidden = true;
    status.textContent = "";
  }

  function offer(text, rect) {
    if (!text || !rect) {
      if (!onButton()) hide(); // on the button, the reader is about to press it
      return;
    }
    var fresh = button.hidden;
    if (text !== offered) tabbed = false;
    offered = text;
    button.hidden = false;
    var size = { width: button.offsetWidth || 160, height: button.offsetHeight || 32 };
    var at = offerPosition(rect, size, { width: window.innerWidth, height: window.innerHeight });
    button.style.top = at.top + "px";
    button.style.left = at.left + "px";
    if (fresh) status.textContent = T.askSelectionHint;
  }

  button.addEventListener("mousedown", function (ev) { ev.preventDefault(); }); // keep the selection
  button.addEventListener("click", function () {
    var text = offered;
    hide();
    onAsk(text);
  });
  button.addEventListener("keydown", function (ev) {
    if (offerKey(ev, { onButton: true }) !== "dismiss") return;
    ev.preventDefault();
    ev.stopPropagation(); // Escape here dismisses the offer, not the panel
    hide();
    button.blur();
  });
  document.addEventListener("keydown", function (ev) {
    var root = button.getRootNode();
    var inWidget = !!root.host && ev.target === root.host; // keys pressed in the widget are its own
    if (button.hidden || ev.defaultPrevented || inWidget) return;
    if (offerKey(ev, { onButton: false, tabbed: tabbed, editable: isEditable(ev.target) }) !== "focus") return;
    ev.preventDefault();
    tabbed = true;
    try { button.focus({ preventScroll: true }); } catch (e) { button.focus(); }
  });
  return { nodes: [button, status], offer: offer, hide: hide };
}
