/**
 * Small DOM helpers. Text from the reader or the server only ever goes in with textContent /
 * createTextNode (el's "text"), never as HTML.
 */

export function el(tag, attrs, children) {
  var node = document.createElement(tag);
  if (attrs) {
    for (var k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === "className") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
  }
  if (children) {
    for (var i = 0; i < children.length; i++) {
      var c = children[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
  }
  return node;
}

var SVGNS = "http://www.w3.org/2000/svg";
var ICONS = {
  chat: ["M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z", "M8.5 10.5h7", "M8.5 13.5h4.5"],
  close: ["M6 6l12 12", "M18 6L6 18"],
  send: ["M5 12h13", "M12 5l7 7-7 7"],
  refresh: ["M3 12a9 9 0 0 1 15.4-6.4L21 8", "M21 3v5h-5", "M21 12a9 9 0 0 1-15.4 6.4L3 16", "M3 21v-5h5"],
  info: ["M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M12 16v-4", "M12 8h.01"],
  alert: ["M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M12 8v5", "M12 16h.01"]
};

export function icon(name) {
  var svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  var paths = ICONS[name] || [];
  for (var i = 0; i < paths.length; i++) {
    var p = document.createElementNS(SVGNS, "path");
    p.setAttribute("d", paths[i]);
    svg.appendChild(p);
  }
  return svg;
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

export function isNarrow() { return (window.innerWidth || document.documentElement.clientWidth) < 480; }

export function reducedMotion() {
  try { return window.matchMedia("(prefers-reduced-motion: reduce)").matches; } catch (e) { return false; }
}
