/**
 * The reader's place in the model's line and the quick answer offered while they wait: what a
 * turn shows for a `queue` event, and the same question asked again without the model.
 * Pure: no DOM, no network (tested with node --test).
 */

import { fmt } from "./i18n.js";

/** The backend of the quick answer: the article's own words, in milliseconds, never behind the model. */
export var QUICK_BACKEND = "extractive";

/**
 * What a turn waiting at `position` (1 = next) shows: the line to announce and whether to offer
 * the quick answer (only with someone ahead); null for no place at all.
 *
 *   placeInLine(STRINGS.en, 3) -> {n: 3, text: "Waiting in line: you are number 3.", offerQuick: true}
 */
export function placeInLine(T, position) {
  var n = Math.floor(Number(position));
  if (!(n >= 1)) return null;
  return { n: n, text: fmt(T.waiting, { n: n }), offerQuick: n > 1 };
}

/** The same request (question, history, context, article) for the quick backend; `body` stays as it was. */
export function quickBody(body) {
  var out = {};
  for (var k in body) {
    if (Object.prototype.hasOwnProperty.call(body, k)) out[k] = body[k];
  }
  out.backend = QUICK_BACKEND;
  return out;
}
