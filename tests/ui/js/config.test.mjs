// The embed's API base and the history it sends (ui/static/widget/config.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiBase, findScript, historyPayload } from "../../../ui/static/widget/config.js";

const PAGE = "https://news.example/world/story.html?x=1";

test("the API is where widget.js came from, or data-api as given", () => {
  assert.equal(apiBase("", "https://qa.example/widget.js", PAGE), "https://qa.example/");
  assert.equal(apiBase("", "https://qa.example/static/widget.js?v=2", PAGE), "https://qa.example/");
  assert.equal(apiBase("", "https://qa.example/qa/widget.js#top", PAGE), "https://qa.example/qa/");
  assert.equal(apiBase("https://api.example/qa", "https://qa.example/widget.js", PAGE), "https://api.example/qa/");
  assert.equal(apiBase("/qa/static/", "https://qa.example/widget.js", PAGE), "https://news.example/qa/static/");
});

test("without a script tag the page's folder is used", () => {
  assert.equal(apiBase(null, null, PAGE), "https://news.example/world/");
});

test("the widget's script tag is found by its src", () => {
  const tag = (src) => ({ src });
  const doc = (current, all) => ({ currentScript: current, getElementsByTagName: () => all });
  const mine = tag("https://qa.example/widget.js?v=1");
  assert.equal(findScript(doc(mine, [])), mine);
  assert.equal(findScript(doc(tag("https://cdn.example/app.js"), [tag("a.js"), mine, tag("b.js")])), mine);
  assert.equal(findScript(doc(null, [tag("widget.json")])), null);
});

test("the history sent is the last turns, each cut short", () => {
  const history = [1, 2, 3, 4].map((i) => ({ role: i % 2 ? "user" : "assistant", content: "x".repeat(i * 3), extra: i }));
  assert.deepEqual(historyPayload(history, 2, 8), [
    { role: "user", content: "xxxxxxx…" },
    { role: "assistant", content: "xxxxxxx…" }
  ]);
  assert.deepEqual(historyPayload(history.slice(0, 1), 6, 100), [{ role: "user", content: "xxx" }]);
  assert.deepEqual(historyPayload([], 6, 100), []);
});
