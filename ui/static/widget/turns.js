/**
 * The conversation as drawn: the reader's question, the place in line while it waits for the
 * model (with the quick-answer button), the answer as it streams and then in its
 * final form (the text with its [n] citation buttons, the numbered sources, the feedback row),
 * and errors. A citation highlights its quote on the host page when the page marks its
 * paragraphs, else it opens the source in the panel.
 *
 * ui: the widget's shared parts, as main.js makes them ({T, root, messages, setStatus,
 * nearBottom, scrollToBottom, warnDeveloper, ...}).
 */

import { buildRefs, quoteRange, segments, sourceNumbers, truncate } from "./answer.js";
import { clear, el, icon, reducedMotion } from "./dom.js";
import { errorKind, readerMessage } from "./errors.js";
import { feedbackRow } from "./feedback.js";
import { hasHostAnchors, highlightInHost } from "./highlight.js";
import { fmt } from "./i18n.js";

var turnSeq = 0;

/** The reader's question (and the selected text it is about). */
export function addUserMessage(ui, text, about) {
  var T = ui.T;
  var m = el("div", { className: "aqa-msg aqa-msg-user", "data-role": "user" }, [
    el("span", { className: "aqa-sr", text: T.you + ":" }),
    about ? el("div", { className: "aqa-bubble aqa-about", text: T.selection + ": “" + truncate(about, 160) + "”" }) : null,
    el("div", { className: "aqa-bubble", text: text })
  ]);
  ui.messages.appendChild(m);
  ui.scrollToBottom(true);
  return m;
}

/** An answer yet to come ("Thinking…"); returns the turn that the next calls fill in. */
export function addAssistantMessage(ui) {
  var id = "aqa-m" + (++turnSeq);
  var thinking = el("div", { className: "aqa-thinking" }, [
    el("span", { className: "aqa-dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]),
    el("span", { className: "aqa-thinking-label", text: ui.T.thinking })
  ]);
  var answer = el("div", { className: "aqa-answer", hidden: true });
  var bubble = el("div", { className: "aqa-bubble" }, [thinking, answer]);
  var m = el("div", {
    id: id, className: "aqa-msg aqa-msg-assistant", "data-role": "assistant",
    "data-state": "thinking", "aria-busy": "true"
  }, [el("span", { className: "aqa-sr", text: ui.T.bot + ":" }), bubble]);
  ui.messages.appendChild(m);
  ui.scrollToBottom(true);
  return { el: m, id: id, bubble: bubble, thinking: thinking, answer: answer, textNode: null, refs: {}, quick: null };
}

/**
 * The turn's place in the model's line: shown in the turn and said politely in the status line
 * (never an alert), with the quick-answer button while someone is ahead; a null place clears it.
 */
export function showPlace(ui, turn, place, onQuick) {
  if (!place) { leaveLine(ui, turn); return; }
  var T = ui.T;
  turn.el.setAttribute("data-place", String(place.n));
  turn.thinking.querySelector(".aqa-thinking-label").textContent = place.text;
  ui.setStatus(place.text);
  if (!place.offerQuick) { dropQuick(ui, turn); return; }
  if (turn.quick) return;
  turn.quick = el("button", {
    type: "button", className: "aqa-quick", title: T.quickAnswerHint, "aria-description": T.quickAnswerHint,
    text: T.quickAnswer
  });
  turn.quick.addEventListener("click", function () { onQuick(); });
  turn.bubble.appendChild(turn.quick);
}

/** Out of the line (the answer began, or the reader took the quick answer): "Thinking…" again. */
export function leaveLine(ui, turn) {
  dropQuick(ui, turn);
  if (!turn.el.hasAttribute("data-place")) return;
  turn.el.removeAttribute("data-place");
  turn.thinking.querySelector(".aqa-thinking-label").textContent = ui.T.thinking;
}

function dropQuick(ui, turn) {
  var b = turn.quick;
  if (!b) return;
  turn.quick = null;
  var focused = ui.root.activeElement === b;
  if (b.parentNode) b.parentNode.removeChild(b);
  // Focus stays in the conversation, where the answer comes, rather than falling to the page.
  if (focused) { try { ui.messages.focus({ preventScroll: true }); } catch (e) { ui.messages.focus(); } }
}

/** Streamed text, appended as it comes (a text node: never parsed as HTML). */
export function appendToken(ui, turn, text) {
  if (!text) return;
  var pinned = ui.nearBottom();
  if (!turn.textNode) {
    turn.thinking.hidden = true;
    turn.answer.hidden = false;
    turn.el.classList.add("aqa-streaming");
    turn.el.setAttribute("data-state", "streaming");
    turn.textNode = document.createTextNode("");
    turn.answer.appendChild(turn.textNode);
    ui.setStatus(ui.T.writing);
  }
  turn.textNode.appendData(text);
  if (pinned) ui.scrollToBottom(true);
}

/** The final answer: text with citation buttons, its sources, and the feedback row. */
export function renderAnswer(ui, turn, ans) {
  var T = ui.T;
  var pinned = ui.nearBottom();
  var refs = buildRefs(ans);
  turn.refs = refs;
  turn.el.classList.remove("aqa-streaming");
  turn.el.setAttribute("data-state", "done");
  turn.el.removeAttribute("aria-busy");
  if (ans.abstained) turn.el.classList.add("aqa-abstained");
  if (ans.language) turn.el.setAttribute("lang", ans.language);
  if (ans.backend) turn.el.setAttribute("data-backend", ans.backend);
  turn.thinking.hidden = true;

  var bubble = turn.bubble;
  clear(bubble);
  if (ans.notice) {
    bubble.appendChild(el("div", { className: "aqa-notice", role: "note" }, [icon("info"), el("span", { text: String(ans.notice) })]));
  }
  var answerEl = el("div", { className: "aqa-answer" });
  var pieces = segments(ans.answer, refs);
  pieces.forEach(function (p) {
    answerEl.appendChild(p.n === undefined ? document.createTextNode(p.text) : citeButton(ui, turn, refs[p.n]));
  });
  bubble.appendChild(answerEl);
  turn.answer = answerEl;

  var listNs = sourceNumbers(refs, pieces);
  if (listNs.length && !ans.abstained) {
    bubble.appendChild(el("div", { className: "aqa-sources-label", id: turn.id + "-sources-label", text: T.sources }));
    var ol = el("ol", { className: "aqa-sources", "aria-labelledby": turn.id + "-sources-label" });
    listNs.forEach(function (n) { ol.appendChild(sourceItem(ui, turn, refs[n])); });
    bubble.appendChild(ol);
  }
  bubble.appendChild(feedbackRow(ui, turn, ans));
  ui.setStatus(T.done);
  if (pinned) ui.scrollToBottom(true);
}

function citeButton(ui, turn, ref) {
  var b = el("button", {
    type: "button", className: "aqa-cite", "data-n": String(ref.n),
    "aria-label": fmt(ui.T.cite, { n: ref.n }) + ": " + truncate(ref.quote, 140),
    title: truncate(ref.quote, 200), text: String(ref.n)
  });
  b.addEventListener("click", function (ev) { ev.preventDefault(); activateCitation(ui, turn, ref, b); });
  return el("sup", { className: "aqa-cite-wrap" }, [b]);
}

function sourceItem(ui, turn, ref) {
  var T = ui.T;
  var li = el("li", { className: "aqa-source", id: turn.id + "-src-" + ref.n, "data-n": String(ref.n) });
  var hasPara = typeof ref.paragraph === "number";
  var spoken = fmt(T.cite, { n: ref.n }) + ", " + (hasPara ? fmt(T.paragraphLong, { n: ref.paragraph }) + ": " : "");
  var btn = el("button", {
    type: "button", className: "aqa-source-btn", "data-n": String(ref.n),
    "aria-controls": turn.id + "-src-" + ref.n + "-full", "aria-expanded": "false", title: T.showInArticle
  }, [
    el("span", { className: "aqa-source-n", "aria-hidden": "true", text: String(ref.n) }),
    el("span", { className: "aqa-sr", text: spoken }),
    el("span", { className: "aqa-source-quote", text: "“" + ref.quote + "”" }),
    hasPara ? el("span", { className: "aqa-source-para", "aria-hidden": "true", text: fmt(T.paragraph, { n: ref.paragraph }) }) : null
  ]);
  var full = el("div", { className: "aqa-source-full", id: turn.id + "-src-" + ref.n + "-full", hidden: true });
  fillPassage(full, ref);
  btn.addEventListener("click", function () {
    if (hasHostAnchors()) activateCitation(ui, turn, ref, null);
    else toggleSource(li, !li.classList.contains("aqa-expanded"));
  });
  li.appendChild(btn);
  li.appendChild(full);
  return li;
}

/** The passage around the quote, with the quote marked (text nodes only). */
function fillPassage(container, ref) {
  var p = ref.passage;
  var text = p && p.text ? String(p.text) : String(ref.quote || "");
  var r = quoteRange(text, p && typeof p.start === "number" ? p.start : NaN, ref);
  var found = r[1] - r[0] < text.length || text === ref.quote;
  if (!ref.cited || !found) { container.appendChild(document.createTextNode(text)); return; }
  if (r[0] > 0) container.appendChild(document.createTextNode(text.slice(0, r[0])));
  container.appendChild(el("mark", { text: text.slice(r[0], r[1]) }));
  if (r[1] < text.length) container.appendChild(document.createTextNode(text.slice(r[1])));
}

function toggleSource(li, expand) {
  var full = li.querySelector(".aqa-source-full");
  var btn = li.querySelector(".aqa-source-btn");
  li.classList.toggle("aqa-expanded", expand);
  if (full) full.hidden = !expand;
  if (btn) btn.setAttribute("aria-expanded", expand ? "true" : "false");
}

function flashSource(li) {
  li.classList.add("aqa-flash");
  setTimeout(function () { li.classList.remove("aqa-flash"); }, 1600);
}

function activateCitation(ui, turn, ref, btn) {
  var li = ui.root.getElementById(turn.id + "-src-" + ref.n);
  var all = ui.root.querySelectorAll(".aqa-cite[aria-pressed]");
  for (var i = 0; i < all.length; i++) all[i].removeAttribute("aria-pressed");
  if (btn) btn.setAttribute("aria-pressed", "true");
  if (highlightInHost(ref)) {
    ui.setStatus(ui.T.highlighted);
    if (li) flashSource(li);
    return true;
  }
  if (li) {
    toggleSource(li, true);
    flashSource(li);
    try { li.scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" }); } catch (e) { li.scrollIntoView(); }
  }
  return false;
}

/** An error in place of the answer (or after what was streamed of it, marked unfinished). */
export function addError(ui, turn, err) {
  var text = readerMessage(err, ui.T);
  ui.warnDeveloper(err);
  var bubble = el("div", { className: "aqa-bubble" }, [icon("alert"), el("span", { className: "aqa-error-text", text: text })]);
  var m = el("div", { className: "aqa-msg aqa-msg-error", role: "alert", "data-role": "error", "data-kind": errorKind(err) }, [bubble]);
  if (err && err.code) m.setAttribute("data-error", err.code);
  if (err && err.status) m.setAttribute("data-status", String(err.status));
  if (turn.textNode) {
    // Keep what was streamed, but mark it as unfinished.
    turn.el.classList.remove("aqa-streaming");
    turn.el.setAttribute("data-state", "error");
    turn.el.removeAttribute("aria-busy");
    turn.thinking.hidden = true;
    turn.el.parentNode.insertBefore(m, turn.el.nextSibling);
  } else {
    turn.el.parentNode.replaceChild(m, turn.el);
  }
  ui.setStatus(text);
  ui.scrollToBottom(true);
}
