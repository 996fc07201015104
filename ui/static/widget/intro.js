/**
 * The panel's opening message, with up to five suggested questions for the article in the
 * reader's language (from the server; with no data-article, the server's only article is used).
 */

import { fetchSuggestions, listArticles } from "./api.js";
import { el } from "./dom.js";
import { AskError } from "./errors.js";

/** The intro element and its suggestion buttons (each asks its question through onAsk). */
export function buildIntro(T, suggested, onAsk) {
  var buttons = [];
  var intro = el("div", { className: "aqa-intro" }, [el("p", { text: T.intro })]);
  if (suggested.length) {
    var chips = el("div", { className: "aqa-suggestions", role: "group", "aria-label": T.suggestionsLabel });
    suggested.forEach(function (q) {
      var b = el("button", { type: "button", className: "aqa-suggestion", text: q });
      b.addEventListener("click", function () { onAsk(q); });
      buttons.push(b);
      chips.appendChild(b);
    });
    intro.appendChild(chips);
  }
  return { el: intro, buttons: buttons };
}

/** The suggested questions in lang ([] when there are none); what a developer can fix goes to warn. */
export function loadSuggestions(api, articleId, lang, warn) {
  var id = articleId ? Promise.resolve(articleId) : listArticles(api).then(function (data) {
    var list = (data && data.articles) || [];
    if (list.length === 1) return list[0].id;
    if (list.length > 1) warn(new AskError(422, "ArticleNotChosen", "this server holds " + list.length + " articles", 0));
    return "";
  });
  return id.then(function (chosen) {
    return chosen ? fetchSuggestions(api, chosen) : null;
  }).then(function (data) {
    var list = data && data.suggestions && data.suggestions[lang];
    return list && list.length ? list.slice(0, 5) : [];
  }).catch(function (err) {
    if (err instanceof AskError) warn(err);
    return [];
  });
}
