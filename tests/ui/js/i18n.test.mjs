// The widget's languages and strings (ui/static/widget/i18n.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { LANGUAGES, STRINGS, fmt, pickLanguage } from "../../../ui/static/widget/i18n.js";

test("the page's language picks the strings; data-lang overrides it", () => {
  assert.equal(pickLanguage("", "bg"), "bg");
  assert.equal(pickLanguage(null, "ru-RU"), "ru");
  assert.equal(pickLanguage("", "BG_bg"), "bg");
  assert.equal(pickLanguage("ru", "en"), "ru");
  assert.equal(pickLanguage("", "de"), "en");
  assert.equal(pickLanguage(undefined, null), "en");
  assert.equal(pickLanguage("  ", ""), "en");
});

test("every language has every string", () => {
  const keys = Object.keys(STRINGS.en).sort();
  for (const lang of LANGUAGES) {
    assert.deepEqual(Object.keys(STRINGS[lang]).sort(), keys, lang);
    for (const key of keys) assert.ok(STRINGS[lang][key].trim(), `${lang}.${key} is empty`);
  }
});

test("Bulgarian and Russian strings are not English", () => {
  for (const lang of ["bg", "ru"]) {
    for (const [key, text] of Object.entries(STRINGS[lang])) {
      if (key === "paragraph") continue; // "¶ {n}" is the same everywhere
      assert.match(text, /[\u0400-\u04ff]/, `${lang}.${key} has no Cyrillic: ${text}`);
    }
  }
});

test("fmt fills named slots and leaves unknown ones", () => {
  assert.equal(fmt("Wait {s} s", { s: 3 }), "Wait 3 s");
  assert.equal(fmt("{a} and {b}", { a: 1 }), "1 and {b}");
  assert.equal(fmt("no slots", null), "no slots");
});
