// Highlight-to-ask: where the offer goes and which keys reach it (ui/static/widget/offer.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { OFFER_SHORTCUT, offerKey, offerPosition } from "../../../ui/static/widget/offer.js";
import { isSendKey } from "../../../ui/static/widget/panel.js";

const SIZE = { width: 160, height: 32 };
const VIEW = { width: 1280, height: 900 };

test("the offer sits under the selection's end, inside the viewport", () => {
  assert.deepEqual(offerPosition({ top: 100, bottom: 120, right: 500 }, SIZE, VIEW), { top: 128, left: 340 });
  assert.deepEqual(offerPosition({ top: 100, bottom: 120, right: 60 }, SIZE, VIEW), { top: 128, left: 4 });
  assert.deepEqual(offerPosition({ top: 100, bottom: 120, right: 1300 }, SIZE, VIEW), { top: 128, left: 1116 });
  assert.deepEqual(offerPosition({ top: 100.4, bottom: 120.6, right: 500.5 }, SIZE, VIEW), { top: 129, left: 341 });
});

test("at the foot of the screen it goes above the selection, never off the top", () => {
  assert.deepEqual(offerPosition({ top: 850, bottom: 870, right: 500 }, SIZE, VIEW), { top: 810, left: 340 });
  assert.deepEqual(offerPosition({ top: 10, bottom: 880, right: 500 }, SIZE, VIEW), { top: 4, left: 340 });
});

const key = (k, mods = {}) => ({ key: k, code: mods.code || "", altKey: false, shiftKey: false, ctrlKey: false, metaKey: false, ...mods });
const PAGE = { onButton: false, tabbed: false, editable: false };

test("Tab right after selecting reaches the offer, once per selection", () => {
  assert.equal(offerKey(key("Tab"), PAGE), "focus");
  assert.equal(offerKey(key("Tab"), { ...PAGE, tabbed: true }), "");
  assert.equal(offerKey(key("Tab", { shiftKey: true }), PAGE), "");
  assert.equal(offerKey(key("Tab", { ctrlKey: true }), PAGE), "");
  assert.equal(offerKey(key("Tab"), { ...PAGE, editable: true }), "");
});

test("Alt+Shift+Q reaches it at any time, whatever the keyboard layout", () => {
  assert.equal(OFFER_SHORTCUT, "Alt+Shift+Q");
  assert.equal(offerKey(key("Q", { code: "KeyQ", altKey: true, shiftKey: true }), PAGE), "focus");
  assert.equal(offerKey(key("Я", { code: "KeyQ", altKey: true, shiftKey: true }), { ...PAGE, tabbed: true }), "focus");
  assert.equal(offerKey(key("q", { code: "KeyQ", altKey: true }), PAGE), "");
  assert.equal(offerKey(key("Q", { code: "KeyQ", altKey: true, shiftKey: true }), { ...PAGE, editable: true }), "");
  assert.equal(offerKey(key("ArrowRight", { shiftKey: true }), PAGE), ""); // still selecting
});

test("on the button, Escape dismisses it and other keys are the button's own", () => {
  assert.equal(offerKey(key("Escape"), { onButton: true }), "dismiss");
  assert.equal(offerKey(key("Enter"), { onButton: true }), "");
  assert.equal(offerKey(key("Tab"), { onButton: true }), "");
  assert.equal(offerKey(key("Escape"), PAGE), "");
});

test("Enter sends the question; Shift+Enter and composing keys do not", () => {
  assert.equal(isSendKey({ key: "Enter", shiftKey: false, isComposing: false, keyCode: 13 }), true);
  assert.equal(isSendKey({ key: "Enter", shiftKey: true, isComposing: false, keyCode: 13 }), false);
  assert.equal(isSendKey({ key: "Enter", shiftKey: false, isComposing: true, keyCode: 13 }), false);
  assert.equal(isSendKey({ key: "Enter", shiftKey: false, isComposing: false, keyCode: 229 }), false);
  assert.equal(isSendKey({ key: "a", shiftKey: false, isComposing: false, keyCode: 65 }), false);
});
