// The place in the model's line and the quick answer offered meanwhile (ui/static/widget/queue.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { STRINGS } from "../../../ui/static/widget/i18n.js";
import { QUICK_BACKEND, placeInLine, quickBody } from "../../../ui/static/widget/queue.js";

test("the place is said in the reader's language; the quick answer only with someone ahead", () => {
  assert.deepEqual(placeInLine(STRINGS.en, 3), { n: 3, text: "Waiting in line: you are number 3.", offerQuick: true });
  assert.deepEqual(placeInLine(STRINGS.en, 2).offerQuick, true);
  assert.deepEqual(placeInLine(STRINGS.en, 1), { n: 1, text: "Waiting in line: you are number 1.", offerQuick: false });
  assert.equal(placeInLine(STRINGS.bg, 2).text, "Чакате на опашка: вие сте номер 2.");
  assert.equal(placeInLine(STRINGS.ru, 4).text, "Вы в очереди: ваш номер 4.");
});

test("no place, or one that is not a number, shows nothing", () => {
  for (const bad of [0, -1, NaN, undefined, null, "x", 0.5]) assert.equal(placeInLine(STRINGS.en, bad), null, String(bad));
  assert.equal(placeInLine(STRINGS.en, "2").n, 2);
  assert.equal(placeInLine(STRINGS.en, 2.7).n, 2);
});

test("the quick answer asks the same question of the extractive backend, leaving the first request as it was", () => {
  const history = [{ role: "user", content: "Who?" }, { role: "assistant", content: "Tokayev [1]." }];
  const body = { question: "When?", history, article_id: "a", context: "the sentence" };
  const quick = quickBody(body);
  assert.equal(QUICK_BACKEND, "extractive");
  assert.deepEqual(quick, { question: "When?", history, article_id: "a", context: "the sentence", backend: "extractive" });
  assert.equal("backend" in body, false);
  assert.deepEqual(quickBody({ question: "q", backend: "local" }), { question: "q", backend: "extractive" });
});
