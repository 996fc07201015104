// Reader messages and developer hints (ui/static/widget/errors.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AskError, developerHint, errorKind, parseRetryAfter, readerMessage } from "../../../ui/static/widget/errors.js";
import { LANGUAGES, STRINGS } from "../../../ui/static/widget/i18n.js";

const CTX = { api: "https://qa.example.org/", origin: "https://news.example.com", articleId: "my-story" };
const ORIGIN = new AskError(403, "OriginRefused", "Pages from https://news.example.com may not use this API.", 0);
const UNKNOWN = new AskError(404, "UnknownArticle", "no article with id 'my-story' is indexed", 0);
const NOT_CHOSEN = new AskError(422, "ArticleNotChosen", "This server holds 2 articles", 0);
const NETWORK = new AskError(0, "network", "", 0);
const RATE = new AskError(429, "RateLimited", "Too many requests: the limit is 3 a minute. Please wait 17 s.", 17);

test("the four integration failures are four kinds", () => {
  assert.deepEqual([ORIGIN, UNKNOWN, NOT_CHOSEN, NETWORK, RATE].map(errorKind), ["origin", "article", "article", "network", "rate"]);
  assert.equal(errorKind(new AskError(422, "InvalidQuestion", "the question is empty", 0)), "invalid");
  assert.equal(errorKind(new AskError(503, "QueueFull", "busy", 5)), "busy");
  assert.equal(errorKind(new AskError(500, "InternalError", "", 0)), "generic");
});

test("each language has four different reader messages", () => {
  for (const lang of LANGUAGES) {
    const T = STRINGS[lang];
    const texts = [ORIGIN, UNKNOWN, NETWORK, RATE].map((e) => readerMessage(e, T));
    assert.equal(new Set(texts).size, 4, `${lang}: ${texts}`);
    assert.equal(readerMessage(NOT_CHOSEN, T), readerMessage(UNKNOWN, T));
  }
});

test("the rate-limit message is in one language, with the wait", () => {
  assert.equal(readerMessage(RATE, STRINGS.bg),
    "Задали сте много въпроси за кратко време. Моля, изчакайте 17 секунди и опитайте отново.");
  assert.equal(readerMessage(RATE, STRINGS.ru),
    "Вы задали много вопросов за короткое время. Подождите 17 секунд и попробуйте снова.");
  for (const lang of ["bg", "ru"]) {
    const text = readerMessage(RATE, STRINGS[lang]) + readerMessage(new AskError(429, "RateLimited", "x", 0), STRINGS[lang]);
    assert.doesNotMatch(text, /[A-Za-z]/, `${lang} mixes in Latin letters: ${text}`);
  }
  assert.match(readerMessage(RATE, STRINGS.en), /wait 17 seconds/);
});

test("the server's English never reaches a reader of these four", () => {
  for (const e of [ORIGIN, UNKNOWN, NETWORK, RATE]) {
    assert.ok(!readerMessage(e, STRINGS.bg).includes(e.serverMessage || "\u0000"));
  }
});

test("developer hints say what to fix", () => {
  assert.match(developerHint(ORIGIN, CTX), /Add https:\/\/news\.example\.com to ARTICLE_QA_ALLOWED_ORIGINS/);
  assert.match(developerHint(UNKNOWN, CTX), /data-article="my-story".*https:\/\/qa\.example\.org\/api\/articles/);
  assert.match(developerHint(NOT_CHOSEN, { ...CTX, articleId: "" }), /the script tag has no data-article/);
  assert.match(developerHint(NETWORK, CTX), /no response from https:\/\/qa\.example\.org\/.*data-api/);
  assert.match(developerHint(RATE, CTX), /429.*ARTICLE_QA_RATE_LIMIT_PER_MINUTE.*17 s.*ARTICLE_QA_TRUSTED_PROXIES/);
  assert.equal(developerHint(new AskError(422, "InvalidQuestion", "empty", 0), CTX), "");
  for (const e of [ORIGIN, UNKNOWN, NETWORK, RATE]) assert.doesNotMatch(developerHint(e, CTX), /\n/);
});

test("Retry-After in seconds or as a date", () => {
  assert.equal(parseRetryAfter("17"), 17);
  assert.equal(parseRetryAfter(""), 0);
  assert.equal(parseRetryAfter("soon"), 0);
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30);
});
