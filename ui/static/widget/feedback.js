/**
 * "Was this helpful?" under each answer: Yes is sent at once; Not sure and No first offer a box
 * for an optional reason, sent on its Send button, or with the next question, on close or on
 * reset (flushFeedback), so a reason half written is never lost.
 *
 * ui: the widget's shared parts, as main.js makes them ({T, api, articleId, setStatus,
 * scrollToBottom, warnDeveloper, pendingFeedback}).
 */

import { sendFeedback } from "./api.js";
import { el } from "./dom.js";
import { AskError } from "./errors.js";

/** The row of rating buttons for one answer. */
export function feedbackRow(ui, turn, ans) {
  var T = ui.T;
  var row = el("div", { className: "aqa-feedback", role: "group", "aria-label": T.helpful }, [
    el("span", { className: "aqa-feedback-q", "aria-hidden": "true", text: T.helpful })
  ]);
  var buttons = [];
  [["up", T.yes], ["unsure", T.unsure], ["down", T.no]].forEach(function (pair) {
    var b = el("button", {
      type: "button", className: "aqa-fb-btn", "data-rating": pair[0], "aria-pressed": "false", text: pair[1]
    });
    b.addEventListener("click", function () { rate(ui, turn, ans, row, buttons, pair[0]); });
    buttons.push(b);
    row.appendChild(b);
  });
  return row;
}

function rate(ui, turn, ans, row, buttons, rating) {
  var T = ui.T;
  buttons.forEach(function (b) {
    b.setAttribute("aria-pressed", b.getAttribute("data-rating") === rating ? "true" : "false");
  });
  var old = row.querySelector(".aqa-fb-reason");
  if (old) old.parentNode.removeChild(old);
  var body = {
    question: ans.question, answer: ans.answer, citations: ans.citations || [], rating: rating, reason: "",
    backend: ans.backend || "", article_id: ans.article_id || ui.articleId
  };
  if (rating === "up") { ui.pendingFeedback = null; submitFeedback(ui, row, buttons, body); return; }
  var id = turn.id + "-reason";
  var text = el("textarea", { id: id, className: "aqa-fb-text", maxlength: "2000", rows: "2" });
  var send = el("button", { type: "button", className: "aqa-fb-send", text: T.reasonSend });
  var box = el("div", { className: "aqa-fb-reason" }, [el("label", { for: id, text: T.reasonLabel }, [text]), send]);
  row.appendChild(box);
  ui.pendingFeedback = { row: row, buttons: buttons, body: body, text: text };
  send.addEventListener("click", function () { flushFeedback(ui); });
  try { text.focus({ preventScroll: true }); } catch (e) { text.focus(); }
  ui.scrollToBottom(false);
}

/** Send a rating that waits for its optional reason (on Send, the next question, close or reset). */
export function flushFeedback(ui) {
  var p = ui.pendingFeedback;
  if (!p) return;
  ui.pendingFeedback = null;
  p.body.reason = p.text.value.trim().slice(0, 2000);
  submitFeedback(ui, p.row, p.buttons, p.body);
}

function submitFeedback(ui, row, buttons, body) {
  var T = ui.T;
  buttons.forEach(function (b) { b.disabled = true; });
  var box = row.querySelector(".aqa-fb-reason");
  if (box) box.parentNode.removeChild(box);
  sendFeedback(ui.api, body).then(function () {
    row.appendChild(el("span", { className: "aqa-fb-note", "data-feedback": "saved", text: T.thanks }));
    ui.setStatus(T.thanks);
  }, function (err) {
    if (err instanceof AskError) ui.warnDeveloper(err);
    row.appendChild(el("span", { className: "aqa-fb-note", "data-feedback": "failed", text: T.feedbackFailed }));
    ui.setStatus(T.feedbackFailed);
  });
}
