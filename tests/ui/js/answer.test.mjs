// From an answer object to what the panel draws (ui/static/widget/answer.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildRefs, citedParagraphs, looseFind, quoteRange, segments, selectionContext, sourceNumbers, truncate
} from "../../../ui/static/widget/answer.js";

const ANSWER = {
  answer: "The summit was on 9 October [1] in Dushanbe [1, 2]; see also [7].",
  citations: [{ n: 1, paragraph: 23, start: 100, end: 110, quote: "9 октомври" }],
  passages: [
    { n: 1, paragraph: 23, start: 90, end: 200, text: "втората на 9 октомври в Душанбе" },
    { n: 2, paragraph: 4, start: 10, end: 40, text: "друг откъс" },
    { n: 3, paragraph: 5, start: 50, end: 60, text: "трети" }
  ]
};

test("references: verified citations first, passages for the rest", () => {
  const refs = buildRefs(ANSWER);
  assert.equal(refs[1].cited, true);
  assert.equal(refs[1].quote, "9 октомври");
  assert.equal(refs[1].passage.n, 1);
  assert.equal(refs[2].cited, false);
  assert.equal(refs[2].quote, "друг откъс");
  assert.deepEqual(buildRefs({}), {});
});

test("markers become numbers; unknown ones stay text", () => {
  const refs = buildRefs(ANSWER);
  const pieces = segments(ANSWER.answer, refs);
  assert.deepEqual(pieces, [
    { text: "The summit was on 9 October " }, { n: 1 }, { text: " in Dushanbe " }, { n: 1 }, { n: 2 },
    { text: "; see also [7]." }
  ]);
  assert.equal(pieces.filter((p) => p.text !== undefined).map((p) => p.text).join("") +
    "[1][1, 2]", "The summit was on 9 October  in Dushanbe ; see also [7].[1][1, 2]");
  assert.deepEqual(sourceNumbers(refs, pieces), [1, 2]);
  assert.deepEqual(segments("", refs), []);
});

test("markup in an answer is only ever text pieces", () => {
  const pieces = segments("<img src=x onerror=alert(1)> [1]", buildRefs(ANSWER));
  assert.deepEqual(pieces, [{ text: "<img src=x onerror=alert(1)> " }, { n: 1 }]);
});

test("the cited paragraphs of an answer, for feedback", () => {
  assert.deepEqual(citedParagraphs(ANSWER), [23]);
  assert.deepEqual(citedParagraphs({ citations: [{ paragraph: 9 }, { paragraph: 2 }, { paragraph: 9 }] }), [2, 9]);
});

test("a quote is found by offsets, by text, loosely, or the whole text is taken", () => {
  const text = "втората на 9 октомври в Душанбе";
  assert.deepEqual(quoteRange(text, 90, { start: 101, end: 111, quote: "9 октомври" }), [11, 21]);
  assert.deepEqual(quoteRange(text, NaN, { quote: "в Душанбе" }), [22, 31]);
  assert.deepEqual(quoteRange("на 9\n  октомври", NaN, { quote: "9 октомври" }), [3, 15]);
  assert.deepEqual(quoteRange(text, NaN, { quote: "Токио" }), [0, text.length]);
  assert.deepEqual(looseFind("a  b", "  "), null);
});

test("a selection becomes a short, clean context", () => {
  assert.equal(selectionContext("  втората\n\n среща  ", 100), "втората среща");
  assert.equal(selectionContext("?!… —", 100), "");
  assert.equal(selectionContext("x".repeat(50), 10), "xxxxxxxxx…");
  assert.equal(truncate("abc", 5), "abc");
});
