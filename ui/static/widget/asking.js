/**
 * One question's request, drawn into its turn: streamed (api.js askStream), bounded by a
 * time-out, cancellable, and, while it waits in the model's line behind others, switched on the
 * reader's word to the quick answer (the same question, backend "extractive").
 *
 * Only the request the turn follows may draw in it. Taking the quick answer aborts the waiting
 * request (which gives its place in line back) before it has shown any text, and nothing it
 * sends afterwards is shown: what the reader has seen is never taken back.
 */

import { askStream } from "./api.js";
import { AskError } from "./errors.js";
import { fmt } from "./i18n.js";
import { placeInLine, quickBody } from "./queue.js";
import { addError, appendToken, leaveLine, renderAnswer, showPlace } from "./turns.js";

/**
 * Ask `body` into `turn`. Returns {promise, cancel}: the promise gives the answer drawn, or null
 * after an error (drawn in the turn) or cancel() (the turn is gone: nothing more is drawn).
 */
export function askInto(ui, turn, body, timeoutMs) {
  var T = ui.T;
  var current = null; // the request the turn follows: {ctrl}
  var quick = null; // the quick answer's promise, once the reader has asked for it
  var begun = false; // the model's answer has begun: too late to switch
  var cancelled = false;
  var timedOut = false;
  var timer = 0;

  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      timedOut = true;
      if (current && current.ctrl) current.ctrl.abort();
    }, timeoutMs);
  }

  function attempt(req) {
    var me = { ctrl: typeof AbortController !== "undefined" ? new AbortController() : null };
    current = me;
    function mine() { return current === me && !cancelled; }
    return askStream(ui.api, req, me.ctrl && me.ctrl.signal, {
      queue: function (position, model) {
        if (!mine()) return;
        var place = placeInLine(T, position);
        if (place && (quick || !model)) place.offerQuick = false; // already a line without the model
        showPlace(ui, turn, place, takeQuick);
      },
      sources: function (s) {
        if (!mine()) return;
        begun = true;
        leaveLine(ui, turn);
        var n = s && s.passages ? s.passages.length : 0;
        if (n) ui.setStatus(fmt(T.found, { n: n }));
      },
      token: function (text) {
        if (!mine()) return;
        begun = true;
        leaveLine(ui, turn);
        appendToken(ui, turn, text);
      }
    }).then(function (ans) {
      return current === me ? ans : quick; // left for the quick answer: follow that one
    }, function (err) {
      if (current !== me) return quick;
      throw err;
    });
  }

  function takeQuick() {
    if (quick || begun || cancelled) return;
    var waiting = current;
    leaveLine(ui, turn);
    ui.setStatus(T.searching);
    arm(); // the quick answer gets a time-out of its own
    quick = attempt(quickBody(body));
    if (waiting && waiting.ctrl) waiting.ctrl.abort();
  }

  arm();
  var promise = attempt(body).then(function (ans) {
    if (cancelled) return null;
    if (!ans || typeof ans.answer !== "string") throw new AskError(0, "bad_response", "", 0);
    leaveLine(ui, turn);
    renderAnswer(ui, turn, ans);
    return ans;
  }).catch(function (err) {
    if (cancelled) return null;
    var e = err instanceof AskError ? err : timedOut ? new AskError(0, "timeout", "", 0) : new AskError(0, "network", "", 0);
    leaveLine(ui, turn);
    if (turn.el.parentNode) addError(ui, turn, e);
    return null;
  }).then(function (result) {
    clearTimeout(timer);
    return result;
  });

  return {
    promise: promise,
    cancel: function () {
      cancelled = true;
      clearTimeout(timer);
      if (current && current.ctrl) {
        try { current.ctrl.abort(); } catch (e) { /* ignore */ }
      }
    }
  };
}
