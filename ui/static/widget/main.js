/*!
 * article-qa widget — ask questions about the article on this page, get answers that quote it.
 * Vanilla JS, no dependencies. Source: ES modules in ui/static/widget/, bundled into /widget.js.
 *
 * Embed:
 *   <script src="http://HOST:PORT/widget.js" data-article="ARTICLE_ID" async></script>
 * Optional attributes on that script tag:
 *   data-article="ID"                    the article (default: the server's only article)
 *   data-api="https://example.org/qa/"   API base (default: the directory of widget.js)
 *   data-lang="bg"                       UI language (default: <html lang>; en, bg, ru, else en)
 *   data-open="true"                     open the panel on load
 * Theme: set `--aqa-accent` on the `article-qa-widget` element from the host page.
 *
 * Everything the widget draws lives in an open Shadow DOM attached to an <article-qa-widget>
 * element appended to <body>. Text from the reader or the server is only ever inserted with
 * textContent / createTextNode. Errors a site's developer can fix (origin not allowed, wrong
 * data-article, server unreachable, rate limit) also print one console.warn line saying what.
 *
 * window.ArticleQA = { open(), close(), ask(question, context?) -> Promise<Answer|null>,
 *                      reset(), isOpen(), host, root, version }
 */

import { buildRefs, citedParagraphs, quoteRange, segments, selectionContext, sourceNumbers, truncate } from "./answer.js";
import { askStream, fetchSuggestions, listArticles, sendFeedback } from "./api.js";
import { clear, el, icon, isNarrow, reducedMotion } from "./dom.js";
import { AskError, developerHint, errorKind, readerMessage } from "./errors.js";
import { hasHostAnchors, highlightInHost, removeHighlight } from "./highlight.js";
import { STRINGS, fmt, pickLanguage } from "./i18n.js";
import { watchSelection } from "./selection.js";
import { CSS } from "./styles.js";

var VERSION = "1.1.0";
var HOST_TAG = "article-qa-widget";
var MAX_HISTORY_TURNS = 6; // messages (3 question/answer pairs)
var MAX_HISTORY_CHARS = 2000; // per message
var REQUEST_TIMEOUT_MS = 120000;
var MAX_QUESTION_CHARS = 1000;
var MAX_CONTEXT_CHARS = 600;

function findScript() {
  var current = document.currentScript;
  if (current && /widget\.js(?:[?#].*)?$/.test(current.src || "")) return current;
  var all = document.getElementsByTagName("script");
  for (var i = all.length - 1; i >= 0; i--) {
    if (/widget\.js(?:[?#].*)?$/.test(all[i].src || "")) return all[i];
  }
  return null;
}

function apiBase(script) {
  var explicit = script && script.getAttribute("data-api");
  var raw = explicit || (script && script.src) || location.href;
  var u;
  try { u = new URL(raw, location.href); } catch (e) { u = new URL(location.href); }
  var path = u.pathname;
  if (!explicit) {
    path = path.replace(/[^/]*$/, ""); // directory of widget.js
    path = path.replace(/static\/$/, ""); // served as /static/widget.js -> API at /
  }
  if (!/\/$/.test(path)) path += "/";
  return u.origin + path;
}

function start() {
  if (window.ArticleQA && window.ArticleQA.__initialised) return;
  var script = findScript();
  var API = apiBase(script);
  var ARTICLE_ID = (script && script.getAttribute("data-article")) || "";
  var LANG = pickLanguage(script && script.getAttribute("data-lang"), document.documentElement.getAttribute("lang"));
  var T = STRINGS[LANG];

  var host, root, launcher, panel, messages, statusEl, form, input, sendBtn, contextBox, askSel;
  var suggestionBtns = [];
  var suggested = [];
  var history = [];
  var busy = false;
  var msgSeq = 0;
  var currentAbort = null;
  var context = "";
  var offered = "";
  var pendingFeedback = null;
  var warned = {};
  var savedPadding = null;

  // ------------------------------------------------------------------ developer
  function warnDeveloper(err) {
    var kind = errorKind(err);
    var line = developerHint(err, { api: API, origin: location.origin, articleId: ARTICLE_ID });
    if (!line || warned[kind]) return;
    warned[kind] = true;
    try { console.warn(line); } catch (e) { /* no console */ }
  }

  // ---------------------------------------------------------------------- build
  function build() {
    host = document.createElement(HOST_TAG);
    host.setAttribute("data-article", ARTICLE_ID);
    root = host.attachShadow({ mode: "open" });
    root.appendChild(el("style", { text: CSS }));

    var wrap = el("div", { className: "aqa-root", part: "root", lang: LANG });

    launcher = el("button", {
      id: "aqa-launcher", className: "aqa-launcher", type: "button", part: "launcher",
      "aria-expanded": "false", "aria-controls": "aqa-panel"
    }, [icon("chat"), el("span", { className: "aqa-launcher-label", text: T.launcher })]);

    var closeBtn = el("button", {
      id: "aqa-close", className: "aqa-icon-btn aqa-close", type: "button", "aria-label": T.close, title: T.close
    }, [icon("close")]);
    var resetBtn = el("button", {
      id: "aqa-reset", className: "aqa-icon-btn aqa-reset", type: "button", "aria-label": T.newChat, title: T.newChat
    }, [icon("refresh")]);

    var header = el("header", { className: "aqa-header" }, [
      el("div", { className: "aqa-badge" }, [icon("chat")]),
      el("div", { className: "aqa-heading" }, [
        el("h2", { id: "aqa-title", className: "aqa-title", text: T.title }),
        el("p", { className: "aqa-subtitle", text: T.subtitle })
      ]),
      resetBtn, closeBtn
    ]);

    messages = el("div", {
      id: "aqa-messages", className: "aqa-messages", role: "log",
      "aria-live": "polite", "aria-relevant": "additions", "aria-label": T.messages, tabindex: "0"
    });
    statusEl = el("div", { id: "aqa-status", className: "aqa-status", role: "status", "aria-live": "polite" });

    var dropContext = el("button", {
      id: "aqa-context-remove", className: "aqa-icon-btn", type: "button",
      "aria-label": T.removeSelection, title: T.removeSelection
    }, [icon("close")]);
    contextBox = el("div", { id: "aqa-context", className: "aqa-context", hidden: true }, [
      el("div", { className: "aqa-context-text" }, [
        el("span", { className: "aqa-context-label", text: T.selection }),
        el("span", { id: "aqa-context-quote", className: "aqa-context-quote" })
      ]),
      dropContext
    ]);

    input = el("textarea", {
      id: "aqa-input", className: "aqa-input", rows: "1", maxlength: String(MAX_QUESTION_CHARS),
      placeholder: T.placeholder, "aria-label": T.input, autocomplete: "off", spellcheck: "true"
    });
    sendBtn = el("button", { id: "aqa-send", className: "aqa-send", type: "submit", "aria-label": T.send, title: T.send },
      [icon("send")]);
    form = el("form", { id: "aqa-form", className: "aqa-form", novalidate: true }, [input, sendBtn]);

    panel = el("section", {
      id: "aqa-panel", className: "aqa-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "aqa-title", part: "panel", hidden: true
    }, [header, messages, statusEl, contextBox, form, el("div", { className: "aqa-footer", text: T.disclaimer })]);

    askSel = el("button", {
      id: "aqa-ask-selection", className: "aqa-ask-selection", type: "button", hidden: true
    }, [icon("chat"), el("span", { text: T.askSelection })]);

    wrap.appendChild(launcher);
    wrap.appendChild(panel);
    wrap.appendChild(askSel);
    root.appendChild(wrap);
    renderIntro();

    launcher.addEventListener("click", function () { open(); });
    closeBtn.addEventListener("click", function () { close(); });
    resetBtn.addEventListener("click", function () { reset(); input.focus(); });
    dropContext.addEventListener("click", function () { setContext(""); input.focus(); });
    askSel.addEventListener("mousedown", function (ev) { ev.preventDefault(); }); // keep the selection
    askSel.addEventListener("click", function () {
      var text = offered;
      offerSelection("", null);
      setContext(text);
      open();
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); submitInput(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        submitInput();
      }
    });
    input.addEventListener("input", autoGrow);
    root.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && isOpen()) {
        ev.preventDefault();
        ev.stopPropagation();
        close();
      }
    });
    document.addEventListener("keydown", function (ev) {
      // Escape also closes when focus was left on the page body after a citation jump.
      var a = document.activeElement;
      if (ev.key === "Escape" && isOpen() && (a === host || !a || a === document.body)) close();
    });
    window.addEventListener("resize", reserveSpace);
    watchSelection(host, MAX_CONTEXT_CHARS, offerSelection);
    document.body.appendChild(host);
  }

  function renderIntro() {
    suggestionBtns = [];
    var intro = el("div", { className: "aqa-intro" }, [el("p", { text: T.intro })]);
    if (suggested.length) {
      var chips = el("div", { className: "aqa-suggestions", role: "group", "aria-label": T.suggestionsLabel });
      suggested.forEach(function (q) {
        var b = el("button", { type: "button", className: "aqa-suggestion", text: q });
        b.addEventListener("click", function () { ask(q); });
        suggestionBtns.push(b);
        chips.appendChild(b);
      });
      intro.appendChild(chips);
    }
    messages.appendChild(intro);
  }

  function loadSuggestions() {
    var id = ARTICLE_ID ? Promise.resolve(ARTICLE_ID) : listArticles(API).then(function (data) {
      var list = (data && data.articles) || [];
      if (list.length === 1) return list[0].id;
      if (list.length > 1) warnDeveloper(new AskError(422, "ArticleNotChosen", "this server holds " + list.length + " articles", 0));
      return "";
    });
    id.then(function (articleId) {
      return articleId ? fetchSuggestions(API, articleId) : null;
    }).then(function (data) {
      var list = data && data.suggestions && data.suggestions[LANG];
      if (!list || !list.length) return;
      suggested = list.slice(0, 5);
      var intro = messages.querySelector(".aqa-intro");
      if (intro) { intro.parentNode.removeChild(intro); renderIntro(); }
    }).catch(function (err) {
      if (err instanceof AskError) warnDeveloper(err);
    });
  }

  function autoGrow() {
    input.style.height = "44px";
    var h = Math.min(input.scrollHeight + 2, 132);
    if (h > 44) input.style.height = h + "px";
  }

  // ------------------------------------------------------------ open / close
  function isOpen() { return !!panel && !panel.hidden; }

  /** On phones the panel is docked at the bottom and the page gets room below the article. */
  function reserveSpace() {
    var body = document.body;
    if (isOpen() && isNarrow()) {
      if (savedPadding === null) savedPadding = body.style.paddingBottom;
      var h = Math.ceil(panel.getBoundingClientRect().height);
      body.style.paddingBottom = h + "px";
      document.documentElement.style.scrollPaddingBottom = h + "px";
    } else if (savedPadding !== null) {
      body.style.paddingBottom = savedPadding;
      document.documentElement.style.scrollPaddingBottom = "";
      savedPadding = null;
    }
  }

  function open() {
    if (!panel) return;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    reserveSpace();
    scrollToBottom(true);
    setTimeout(function () { try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); } }, 0);
  }

  function close() {
    if (!panel) return;
    flushFeedback();
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    reserveSpace();
    try { launcher.focus({ preventScroll: true }); } catch (e) { launcher.focus(); }
  }

  function reset() {
    flushFeedback();
    if (currentAbort) {
      var c = currentAbort;
      currentAbort = null;
      try { c.abort(); } catch (e) { /* ignore */ }
    }
    history = [];
    clear(messages);
    renderIntro();
    setStatus("");
    setContext("");
    removeHighlight();
  }

  function setBusy(b) {
    busy = b;
    sendBtn.disabled = b;
    for (var i = 0; i < suggestionBtns.length; i++) suggestionBtns[i].disabled = b;
    if (panel) panel.setAttribute("aria-busy", b ? "true" : "false");
  }

  function setStatus(text) { statusEl.textContent = text || ""; }

  function nearBottom() { return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80; }
  function scrollToBottom(force) { if (force || nearBottom()) messages.scrollTop = messages.scrollHeight; }

  function submitInput() {
    if (busy) return;
    var q = input.value.trim();
    if (!q) return;
    input.value = "";
    autoGrow();
    ask(q);
  }

  // ------------------------------------------------------- highlight-to-ask
  function offerSelection(text, rect) {
    offered = text;
    if (!text || !rect) { askSel.hidden = true; return; }
    askSel.hidden = false;
    var w = askSel.offsetWidth || 160, h = askSel.offsetHeight || 32;
    var vw = window.innerWidth, vh = window.innerHeight;
    var top = rect.bottom + 8 + h > vh ? Math.max(4, rect.top - h - 8) : rect.bottom + 8;
    var left = Math.min(Math.max(4, rect.right - w), vw - w - 4);
    askSel.style.top = Math.round(top) + "px";
    askSel.style.left = Math.round(left) + "px";
  }

  function setContext(text) {
    context = selectionContext(text, MAX_CONTEXT_CHARS);
    contextBox.hidden = !context;
    root.getElementById("aqa-context-quote").textContent = context ? "“" + context + "”" : "";
    if (isOpen()) reserveSpace();
  }

  // ---------------------------------------------------------------- messages
  function addUserMessage(text, about) {
    var m = el("div", { className: "aqa-msg aqa-msg-user", "data-role": "user" }, [
      el("span", { className: "aqa-sr", text: T.you + ":" }),
      about ? el("div", { className: "aqa-bubble aqa-about", text: T.selection + ": “" + truncate(about, 160) + "”" }) : null,
      el("div", { className: "aqa-bubble", text: text })
    ]);
    messages.appendChild(m);
    scrollToBottom(true);
    return m;
  }

  function addAssistantMessage() {
    var id = "aqa-m" + (++msgSeq);
    var thinking = el("div", { className: "aqa-thinking" }, [
      el("span", { className: "aqa-dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]),
      el("span", { className: "aqa-thinking-label", text: T.thinking })
    ]);
    var answer = el("div", { className: "aqa-answer", hidden: true });
    var bubble = el("div", { className: "aqa-bubble" }, [thinking, answer]);
    var m = el("div", {
      id: id, className: "aqa-msg aqa-msg-assistant", "data-role": "assistant",
      "data-state": "thinking", "aria-busy": "true"
    }, [el("span", { className: "aqa-sr", text: T.bot + ":" }), bubble]);
    messages.appendChild(m);
    scrollToBottom(true);
    return { el: m, id: id, bubble: bubble, thinking: thinking, answer: answer, textNode: null, refs: {} };
  }

  function appendToken(turn, text) {
    if (!text) return;
    var pinned = nearBottom();
    if (!turn.textNode) {
      turn.thinking.hidden = true;
      turn.answer.hidden = false;
      turn.el.classList.add("aqa-streaming");
      turn.el.setAttribute("data-state", "streaming");
      turn.textNode = document.createTextNode("");
      turn.answer.appendChild(turn.textNode);
      setStatus(T.writing);
    }
    turn.textNode.appendData(text);
    if (pinned) scrollToBottom(true);
  }

  function renderAnswer(turn, ans) {
    var pinned = nearBottom();
    var refs = buildRefs(ans);
    turn.refs = refs;
    turn.el.classList.remove("aqa-streaming");
    turn.el.setAttribute("data-state", "done");
    turn.el.removeAttribute("aria-busy");
    if (ans.abstained) turn.el.classList.add("aqa-abstained");
    if (ans.language) turn.el.setAttribute("lang", ans.language);
    if (ans.backend) turn.el.setAttribute("data-backend", ans.backend);
    turn.thinking.hidden = true;

    var bubble = turn.bubble;
    clear(bubble);
    if (ans.notice) {
      bubble.appendChild(el("div", { className: "aqa-notice", role: "note" }, [icon("info"), el("span", { text: String(ans.notice) })]));
    }
    var answerEl = el("div", { className: "aqa-answer" });
    var pieces = segments(ans.answer, refs);
    pieces.forEach(function (p) {
      answerEl.appendChild(p.n === undefined ? document.createTextNode(p.text) : citeButton(turn, refs[p.n]));
    });
    bubble.appendChild(answerEl);
    turn.answer = answerEl;

    var listNs = sourceNumbers(refs, pieces);
    if (listNs.length && !ans.abstained) {
      bubble.appendChild(el("div", { className: "aqa-sources-label", id: turn.id + "-sources-label", text: T.sources }));
      var ol = el("ol", { className: "aqa-sources", "aria-labelledby": turn.id + "-sources-label" });
      listNs.forEach(function (n) { ol.appendChild(sourceItem(turn, refs[n])); });
      bubble.appendChild(ol);
    }
    bubble.appendChild(feedbackRow(turn, ans));
    setStatus(T.done);
    if (pinned) scrollToBottom(true);
  }

  function citeButton(turn, ref) {
    var b = el("button", {
      type: "button", className: "aqa-cite", "data-n": String(ref.n),
      "aria-label": fmt(T.cite, { n: ref.n }) + ": " + truncate(ref.quote, 140),
      title: truncate(ref.quote, 200), text: String(ref.n)
    });
    b.addEventListener("click", function (ev) { ev.preventDefault(); activateCitation(turn, ref, b); });
    return el("sup", { className: "aqa-cite-wrap" }, [b]);
  }

  function sourceItem(turn, ref) {
    var li = el("li", { className: "aqa-source", id: turn.id + "-src-" + ref.n, "data-n": String(ref.n) });
    var hasPara = typeof ref.paragraph === "number";
    var btn = el("button", {
      type: "button", className: "aqa-source-btn", "data-n": String(ref.n),
      "aria-controls": turn.id + "-src-" + ref.n + "-full", "aria-expanded": "false", title: T.showInArticle
    }, [
      el("span", { className: "aqa-source-n", "aria-hidden": "true", text: String(ref.n) }),
      el("span", { className: "aqa-sr", text: fmt(T.cite, { n: ref.n }) + ", " + (hasPara ? fmt(T.paragraphLong, { n: ref.paragraph }) + ": " : "") }),
      el("span", { className: "aqa-source-quote", text: "“" + ref.quote + "”" }),
      hasPara ? el("span", { className: "aqa-source-para", "aria-hidden": "true", text: fmt(T.paragraph, { n: ref.paragraph }) }) : null
    ]);
    var full = el("div", { className: "aqa-source-full", id: turn.id + "-src-" + ref.n + "-full", hidden: true });
    fillPassage(full, ref);
    btn.addEventListener("click", function () {
      if (hasHostAnchors()) activateCitation(turn, ref, null);
      else toggleSource(li, !li.classList.contains("aqa-expanded"));
    });
    li.appendChild(btn);
    li.appendChild(full);
    return li;
  }

  /** The passage around the quote, with the quote marked (text nodes only). */
  function fillPassage(container, ref) {
    var p = ref.passage;
    var text = p && p.text ? String(p.text) : String(ref.quote || "");
    var r = quoteRange(text, p && typeof p.start === "number" ? p.start : NaN, ref);
    var found = r[1] - r[0] < text.length || text === ref.quote;
    if (!ref.cited || !found) { container.appendChild(document.createTextNode(text)); return; }
    if (r[0] > 0) container.appendChild(document.createTextNode(text.slice(0, r[0])));
    container.appendChild(el("mark", { text: text.slice(r[0], r[1]) }));
    if (r[1] < text.length) container.appendChild(document.createTextNode(text.slice(r[1])));
  }

  function toggleSource(li, expand) {
    var full = li.querySelector(".aqa-source-full");
    var btn = li.querySelector(".aqa-source-btn");
    li.classList.toggle("aqa-expanded", expand);
    if (full) full.hidden = !expand;
    if (btn) btn.setAttribute("aria-expanded", expand ? "true" : "false");
  }

  function flashSource(li) {
    li.classList.add("aqa-flash");
    setTimeout(function () { li.classList.remove("aqa-flash"); }, 1600);
  }

  function activateCitation(turn, ref, btn) {
    var li = root.getElementById(turn.id + "-src-" + ref.n);
    var all = root.querySelectorAll(".aqa-cite[aria-pressed]");
    for (var i = 0; i < all.length; i++) all[i].removeAttribute("aria-pressed");
    if (btn) btn.setAttribute("aria-pressed", "true");
    if (highlightInHost(ref)) {
      setStatus(T.highlighted);
      if (li) flashSource(li);
      return true;
    }
    if (li) {
      toggleSource(li, true);
      flashSource(li);
      try { li.scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" }); } catch (e) { li.scrollIntoView(); }
    }
    return false;
  }

  // ---------------------------------------------------------------- feedback
  function feedbackRow(turn, ans) {
    var row = el("div", { className: "aqa-feedback", role: "group", "aria-label": T.helpful }, [
      el("span", { className: "aqa-feedback-q", "aria-hidden": "true", text: T.helpful })
    ]);
    var buttons = [];
    [["up", T.yes], ["unsure", T.unsure], ["down", T.no]].forEach(function (pair) {
      var b = el("button", { type: "button", className: "aqa-fb-btn", "data-rating": pair[0], "aria-pressed": "false", text: pair[1] });
      b.addEventListener("click", function () { rate(turn, ans, row, buttons, pair[0]); });
      buttons.push(b);
      row.appendChild(b);
    });
    return row;
  }

  function rate(turn, ans, row, buttons, rating) {
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-rating") === rating ? "true" : "false"); });
    var old = row.querySelector(".aqa-fb-reason");
    if (old) old.parentNode.removeChild(old);
    var body = {
      question: ans.question, answer: ans.answer, citations: ans.citations || [], rating: rating, reason: "",
      backend: ans.backend || "", article_id: ans.article_id || ARTICLE_ID
    };
    if (rating === "up") { pendingFeedback = null; submitFeedback(row, buttons, body); return; }
    var id = turn.id + "-reason";
    var text = el("textarea", { id: id, className: "aqa-fb-text", maxlength: "2000", rows: "2" });
    var send = el("button", { type: "button", className: "aqa-fb-send", text: T.reasonSend });
    var box = el("div", { className: "aqa-fb-reason" }, [el("label", { for: id, text: T.reasonLabel }, [text]), send]);
    row.appendChild(box);
    pendingFeedback = { row: row, buttons: buttons, body: body, text: text };
    send.addEventListener("click", flushFeedback);
    try { text.focus({ preventScroll: true }); } catch (e) { text.focus(); }
    scrollToBottom(false);
  }

  /** Send a rating that waits for its optional reason (on Send, the next question, close or reset). */
  function flushFeedback() {
    var p = pendingFeedback;
    if (!p) return;
    pendingFeedback = null;
    p.body.reason = p.text.value.trim().slice(0, 2000);
    submitFeedback(p.row, p.buttons, p.body);
  }

  function submitFeedback(row, buttons, body) {
    buttons.forEach(function (b) { b.disabled = true; });
    var box = row.querySelector(".aqa-fb-reason");
    if (box) box.parentNode.removeChild(box);
    sendFeedback(API, body).then(function () {
      row.appendChild(el("span", { className: "aqa-fb-note", "data-feedback": "saved", text: T.thanks }));
      setStatus(T.thanks);
    }, function (err) {
      if (err instanceof AskError) warnDeveloper(err);
      row.appendChild(el("span", { className: "aqa-fb-note", "data-feedback": "failed", text: T.feedbackFailed }));
      setStatus(T.feedbackFailed);
    });
  }

  // ------------------------------------------------------------------ errors
  function addError(turn, err) {
    var text = readerMessage(err, T);
    warnDeveloper(err);
    var bubble = el("div", { className: "aqa-bubble" }, [icon("alert"), el("span", { className: "aqa-error-text", text: text })]);
    var m = el("div", { className: "aqa-msg aqa-msg-error", role: "alert", "data-role": "error", "data-kind": errorKind(err) }, [bubble]);
    if (err && err.code) m.setAttribute("data-error", err.code);
    if (err && err.status) m.setAttribute("data-status", String(err.status));
    if (turn.textNode) {
      // Keep what was streamed, but mark it as unfinished.
      turn.el.classList.remove("aqa-streaming");
      turn.el.setAttribute("data-state", "error");
      turn.el.removeAttribute("aria-busy");
      turn.thinking.hidden = true;
      turn.el.parentNode.insertBefore(m, turn.el.nextSibling);
    } else {
      turn.el.parentNode.replaceChild(m, turn.el);
    }
    setStatus(text);
    scrollToBottom(true);
  }

  function historyPayload() {
    return history.slice(-MAX_HISTORY_TURNS).map(function (t) {
      return { role: t.role, content: truncate(t.content, MAX_HISTORY_CHARS) };
    });
  }

  // --------------------------------------------------------------------- ask
  function ask(question, about) {
    question = String(question === undefined || question === null ? "" : question).trim();
    if (!question || busy || !panel) return Promise.resolve(null);
    if (question.length > MAX_QUESTION_CHARS) question = question.slice(0, MAX_QUESTION_CHARS);
    about = about === undefined ? context : selectionContext(about, MAX_CONTEXT_CHARS);
    flushFeedback();
    if (!isOpen()) open();

    var intro = messages.querySelector(".aqa-intro");
    if (intro) intro.parentNode.removeChild(intro);

    setBusy(true);
    addUserMessage(question, about);
    setContext("");
    var turn = addAssistantMessage();
    setStatus(T.searching);

    var body = { question: question, history: historyPayload(), article_id: ARTICLE_ID };
    if (about) body.context = about;
    var ctrl = typeof AbortController !== "undefined" ? new AbortController() : null;
    currentAbort = ctrl;
    var timedOut = false;
    var timer = setTimeout(function () { timedOut = true; if (ctrl) ctrl.abort(); }, REQUEST_TIMEOUT_MS);

    return askStream(API, body, ctrl && ctrl.signal, {
      sources: function (s) {
        var n = s && s.passages ? s.passages.length : 0;
        if (n) setStatus(fmt(T.found, { n: n }));
      },
      token: function (text) { appendToken(turn, text); }
    }).then(function (ans) {
      if (!ans || typeof ans.answer !== "string") throw new AskError(0, "bad_response", "", 0);
      renderAnswer(turn, ans);
      history.push({ role: "user", content: question });
      history.push({ role: "assistant", content: ans.answer });
      if (history.length > 40) history = history.slice(-40);
      return ans;
    }).catch(function (err) {
      if (ctrl && ctrl.signal.aborted && !timedOut && currentAbort !== ctrl) return null; // reset()
      var e = err instanceof AskError ? err : timedOut ? new AskError(0, "timeout", "", 0) : new AskError(0, "network", "", 0);
      if (turn.el.parentNode) addError(turn, e);
      return null;
    }).then(function (result) {
      clearTimeout(timer);
      if (currentAbort === ctrl) currentAbort = null;
      setBusy(false);
      if (isOpen() && !isNarrow()) { try { input.focus({ preventScroll: true }); } catch (e) { /* ignore */ } }
      return result;
    });
  }

  // -------------------------------------------------------------------- boot
  window.ArticleQA = {
    __initialised: true,
    version: VERSION,
    open: open,
    close: close,
    ask: ask,
    reset: reset,
    isOpen: isOpen,
    get host() { return host; },
    get root() { return root; },
    get apiBase() { return API; },
    get articleId() { return ARTICLE_ID; },
    get language() { return LANG; }
  };

  function boot() {
    if (host) return;
    if (document.querySelector(HOST_TAG)) return; // already embedded (e.g. script included twice)
    build();
    loadSuggestions();
    if (script && script.getAttribute("data-open") === "true") open();
  }
  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot);
}

start();
