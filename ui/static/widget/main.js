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

import { selectionContext } from "./answer.js";
import { askInto } from "./asking.js";
import {
  HOST_TAG, MAX_CONTEXT_CHARS, MAX_HISTORY_CHARS, MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, REQUEST_TIMEOUT_MS,
  VERSION, apiBase, findScript, historyPayload
} from "./config.js";
import { clear, el, isNarrow } from "./dom.js";
import { developerHint, errorKind } from "./errors.js";
import { flushFeedback } from "./feedback.js";
import { removeHighlight } from "./highlight.js";
import { buildIntro, loadSuggestions } from "./intro.js";
import { STRINGS, pickLanguage } from "./i18n.js";
import { createOffer } from "./offer.js";
import { buildPanel, isSendKey } from "./panel.js";
import { watchSelection } from "./selection.js";
import { CSS } from "./styles.js";
import { addAssistantMessage, addUserMessage } from "./turns.js";

function start() {
  if (window.ArticleQA && window.ArticleQA.__initialised) return;
  var script = findScript(document);
  var API = apiBase(script && script.getAttribute("data-api"), script && script.src, location.href);
  var ARTICLE_ID = (script && script.getAttribute("data-article")) || "";
  var LANG = pickLanguage(script && script.getAttribute("data-lang"), document.documentElement.getAttribute("lang"));
  var T = STRINGS[LANG];

  var host, root, parts, offer;
  var suggestionBtns = [];
  var suggested = [];
  var history = [];
  var busy = false;
  var currentRun = null; // the question being answered: {promise, cancel}
  var context = "";
  var warned = {};
  var savedPadding = null;
  // What the other modules share (turns.js, feedback.js): the strings, where things go, callbacks.
  var ui = {
    T: T, api: API, articleId: ARTICLE_ID, root: null, messages: null, pendingFeedback: null,
    setStatus: setStatus, nearBottom: nearBottom, scrollToBottom: scrollToBottom, warnDeveloper: warnDeveloper
  };

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
    parts = buildPanel(T, LANG, MAX_QUESTION_CHARS);
    offer = createOffer(T, function (text) { setContext(text); open(); });
    offer.nodes.forEach(function (node) { parts.wrap.appendChild(node); });
    root.appendChild(parts.wrap);
    ui.root = root;
    ui.messages = parts.messages;
    renderIntro();

    var input = parts.input;
    parts.launcher.addEventListener("click", function () { open(); });
    parts.closeBtn.addEventListener("click", function () { close(); });
    parts.resetBtn.addEventListener("click", function () { reset(); input.focus(); });
    parts.dropContext.addEventListener("click", function () { setContext(""); input.focus(); });
    parts.form.addEventListener("submit", function (ev) { ev.preventDefault(); submitInput(); });
    input.addEventListener("keydown", function (ev) {
      if (isSendKey(ev)) {
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
    watchSelection(host, MAX_CONTEXT_CHARS, offer.offer);
    document.body.appendChild(host);
  }

  function renderIntro() {
    var intro = buildIntro(T, suggested, function (q) { ask(q); });
    suggestionBtns = intro.buttons;
    parts.messages.appendChild(intro.el);
  }

  function showSuggestions(list) {
    if (!list.length) return;
    suggested = list;
    var intro = parts.messages.querySelector(".aqa-intro");
    if (intro) { intro.parentNode.removeChild(intro); renderIntro(); }
  }

  function autoGrow() {
    var input = parts.input;
    input.style.height = "44px";
    var h = Math.min(input.scrollHeight + 2, 132);
    if (h > 44) input.style.height = h + "px";
  }

  // ------------------------------------------------------------ open / close
  function isOpen() { return !!parts && !parts.panel.hidden; }

  /** On phones the panel is docked at the bottom and the page gets room below the article. */
  function reserveSpace() {
    var body = document.body;
    if (isOpen() && isNarrow()) {
      if (savedPadding === null) savedPadding = body.style.paddingBottom;
      var h = Math.ceil(parts.panel.getBoundingClientRect().height);
      body.style.paddingBottom = h + "px";
      document.documentElement.style.scrollPaddingBottom = h + "px";
    } else if (savedPadding !== null) {
      body.style.paddingBottom = savedPadding;
      document.documentElement.style.scrollPaddingBottom = "";
      savedPadding = null;
    }
  }

  function open() {
    if (!parts) return;
    var input = parts.input;
    parts.panel.hidden = false;
    parts.launcher.hidden = true;
    parts.launcher.setAttribute("aria-expanded", "true");
    reserveSpace();
    scrollToBottom(true);
    setTimeout(function () { try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); } }, 0);
  }

  function close() {
    if (!parts) return;
    var launcher = parts.launcher;
    flushFeedback(ui);
    parts.panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    reserveSpace();
    try { launcher.focus({ preventScroll: true }); } catch (e) { launcher.focus(); }
  }

  function reset() {
    flushFeedback(ui);
    if (currentRun) {
      var run = currentRun;
      currentRun = null;
      run.cancel();
    }
    history = [];
    clear(parts.messages);
    renderIntro();
    setStatus("");
    setContext("");
    removeHighlight();
  }

  function setBusy(b) {
    busy = b;
    parts.sendBtn.disabled = b;
    for (var i = 0; i < suggestionBtns.length; i++) suggestionBtns[i].disabled = b;
    parts.panel.setAttribute("aria-busy", b ? "true" : "false");
  }

  function setStatus(text) { parts.statusEl.textContent = text || ""; }

  function nearBottom() {
    var m = parts.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }
  function scrollToBottom(force) { if (force || nearBottom()) parts.messages.scrollTop = parts.messages.scrollHeight; }

  function submitInput() {
    if (busy) return;
    var q = parts.input.value.trim();
    if (!q) return;
    parts.input.value = "";
    autoGrow();
    ask(q);
  }

  /** The selected text the next question is about ("" for none), shown above the input. */
  function setContext(text) {
    context = selectionContext(text, MAX_CONTEXT_CHARS);
    parts.contextBox.hidden = !context;
    parts.contextQuote.textContent = context ? "“" + context + "”" : "";
    if (isOpen()) reserveSpace();
  }

  // --------------------------------------------------------------------- ask
  function ask(question, about) {
    question = String(question === undefined || question === null ? "" : question).trim();
    if (!question || busy || !parts) return Promise.resolve(null);
    if (question.length > MAX_QUESTION_CHARS) question = question.slice(0, MAX_QUESTION_CHARS);
    about = about === undefined ? context : selectionContext(about, MAX_CONTEXT_CHARS);
    flushFeedback(ui);
    if (!isOpen()) open();

    var intro = parts.messages.querySelector(".aqa-intro");
    if (intro) intro.parentNode.removeChild(intro);

    setBusy(true);
    addUserMessage(ui, question, about);
    setContext("");
    var turn = addAssistantMessage(ui);
    setStatus(T.searching);

    var body = { question: question, history: historyPayload(history, MAX_HISTORY_TURNS, MAX_HISTORY_CHARS), article_id: ARTICLE_ID };
    if (about) body.context = about;
    var run = askInto(ui, turn, body, REQUEST_TIMEOUT_MS); // drawn into the turn, errors too
    currentRun = run;

    return run.promise.then(function (result) {
      if (currentRun === run) currentRun = null;
      if (result) {
        history.push({ role: "user", content: question });
        history.push({ role: "assistant", content: result.answer });
        if (history.length > 40) history = history.slice(-40);
      }
      setBusy(false);
      if (isOpen() && !isNarrow()) { try { parts.input.focus({ preventScroll: true }); } catch (e) { /* ignore */ } }
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
    loadSuggestions(API, ARTICLE_ID, LANG, warnDeveloper).then(showSuggestions);
    if (script && script.getAttribute("data-open") === "true") open();
  }
  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot);
}

start();
