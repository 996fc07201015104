/**
 * What the embed is: the widget's own script tag, the API it talks to, and the limits on what it
 * sends. Pure except findScript, which reads the document it is given (tested with node --test).
 */

import { truncate } from "./answer.js";

export var VERSION = "1.1.0";
export var HOST_TAG = "article-qa-widget";
export var MAX_HISTORY_TURNS = 6; // messages (3 question/answer pairs)
export var MAX_HISTORY_CHARS = 2000; // per message
export var REQUEST_TIMEOUT_MS = 120000;
export var MAX_QUESTION_CHARS = 1000;
export var MAX_CONTEXT_CHARS = 600;

var WIDGET_SRC = /widget\.js(?:[?#].*)?$/;

/** The <script> that loaded widget.js: document.currentScript, else the last such tag. */
export function findScript(doc) {
  var current = doc.currentScript;
  if (current && WIDGET_SRC.test(current.src || "")) return current;
  var all = doc.getElementsByTagName("script");
  for (var i = all.length - 1; i >= 0; i--) {
    if (WIDGET_SRC.test(all[i].src || "")) return all[i];
  }
  return null;
}

/**
 * The API base URL, ending in "/": data-api as given (relative to the page), else the folder
 * widget.js came from (its parent when that folder is static/), else the page's folder.
 * apiBase("", "https://qa.example/static/widget.js", "https://news.example/a") -> "https://qa.example/"
 */
export function apiBase(explicit, src, pageHref) {
  var raw = explicit || src || pageHref;
  var u;
  try { u = new URL(raw, pageHref); } catch (e) { u = new URL(pageHref); }
  var path = u.pathname;
  if (!explicit) {
    path = path.replace(/[^/]*$/, ""); // directory of widget.js
    path = path.replace(/static\/$/, ""); // served as /static/widget.js -> API at /
  }
  if (!/\/$/.test(path)) path += "/";
  return u.origin + path;
}

/** The conversation as the API takes it: the last maxTurns messages, each cut to maxChars. */
export function historyPayload(history, maxTurns, maxChars) {
  return history.slice(-maxTurns).map(function (t) {
    return { role: t.role, content: truncate(t.content, maxChars) };
  });
}
