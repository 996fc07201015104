/*!
 * article-qa widget — ask questions about the article on this page, get answers
 * that quote it. Vanilla JS, no dependencies, no build step.
 *
 * Embed:
 *   <script src="http://HOST:PORT/widget.js" data-article="ARTICLE_ID" async></script>
 * Optional attributes on that script tag:
 *   data-api="https://example.org/qa/"   API base (default: the directory of widget.js)
 *   data-lang="bg"                       UI language (default: <html lang>; bg, ru, else en)
 *   data-open="true"                     open the panel on load
 * Theme: set `--aqa-accent` on the `article-qa-widget` element from the host page.
 *
 * Everything the widget draws lives in an open Shadow DOM attached to an
 * <article-qa-widget> element appended to <body>. Text from the reader or the
 * server is only ever inserted with textContent / createTextNode.
 *
 * Citations: when the host page marks its paragraphs with
 * data-aqa-paragraph="N" data-aqa-start="OFFSET", clicking [n] scrolls to the
 * paragraph and wraps the quoted sentence in <mark class="aqa-highlight">.
 * Otherwise it expands the source in the panel.
 *
 * window.ArticleQA = { open(), close(), ask(question) -> Promise<Answer|null>,
 *                      reset(), isOpen(), host, root, version }
 */
(function () {
  "use strict";

  var VERSION = "1.0.0";
  var HOST_TAG = "article-qa-widget";
  var MAX_HISTORY_TURNS = 6; // messages (3 question/answer pairs)
  var MAX_HISTORY_CHARS = 2000; // per message
  var REQUEST_TIMEOUT_MS = 120000;
  var MAX_QUESTION_CHARS = 1000;

  if (window.ArticleQA && window.ArticleQA.__initialised) return;

  // ---------------------------------------------------------------- script tag
  var script = document.currentScript;
  if (!script || !/widget\.js(?:[?#].*)?$/.test(script.src || "")) {
    var all = document.getElementsByTagName("script");
    script = null;
    for (var i = all.length - 1; i >= 0; i--) {
      if (/widget\.js(?:[?#].*)?$/.test(all[i].src || "")) { script = all[i]; break; }
    }
  }

  function apiBase() {
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

  var API = apiBase();
  var ARTICLE_ID = (script && script.getAttribute("data-article")) || "";
  var LANG = ((script && script.getAttribute("data-lang")) ||
    document.documentElement.getAttribute("lang") || "en").toLowerCase();
  var LANG_KEY = LANG.indexOf("bg") === 0 ? "bg" : LANG.indexOf("ru") === 0 ? "ru" : "en";

  // ------------------------------------------------------------------ strings
  var STRINGS = {
    en: {
      launcher: "Ask about this article",
      title: "Ask about this article",
      subtitle: "Answers come only from this article, with quotes.",
      placeholder: "Ask a question…",
      send: "Send question",
      close: "Close",
      newChat: "New conversation",
      input: "Your question about the article",
      messages: "Conversation",
      you: "You",
      bot: "Article assistant",
      thinking: "Thinking…",
      searching: "Searching the article…",
      found: "Passages found: {n}",
      writing: "Writing the answer…",
      done: "Answer ready.",
      sources: "Sources",
      paragraph: "¶ {n}",
      paragraphLong: "paragraph {n}",
      cite: "Source {n}",
      showInArticle: "Show in the article",
      highlighted: "Highlighted in the article.",
      intro: "Ask anything about this article. Answers quote the text — click a number like [1] to jump to the sentence it comes from.",
      suggestions: ["What is this article about?", "What are the key events?"],
      disclaimer: "AI-generated answers can be wrong. Check the quoted sources.",
      errGeneric: "Something went wrong. Please try again.",
      errNetwork: "Could not reach the server. Check your connection and try again.",
      errRate: "Too many questions right now.",
      errBusy: "The service is busy.",
      errTimeout: "The answer took too long. Please try again.",
      errInterrupted: "The answer was interrupted. Please try again.",
      retryIn: "Please try again in {s} s.",
      notice: "Note"
    },
    bg: {
      launcher: "Попитай за статията",
      title: "Въпроси за статията",
      subtitle: "Отговорите идват само от тази статия и я цитират.",
      placeholder: "Задайте въпрос…",
      send: "Изпрати въпроса",
      close: "Затвори",
      newChat: "Нов разговор",
      input: "Вашият въпрос за статията",
      messages: "Разговор",
      you: "Вие",
      bot: "Асистент за статията",
      thinking: "Мисля…",
      searching: "Търся в статията…",
      found: "Намерени откъси: {n}",
      writing: "Пиша отговора…",
      done: "Отговорът е готов.",
      sources: "Източници",
      paragraph: "¶ {n}",
      paragraphLong: "абзац {n}",
      cite: "Източник {n}",
      showInArticle: "Покажи в статията",
      highlighted: "Маркирано в статията.",
      intro: "Питайте каквото искате за тази статия. Отговорите цитират текста — щракнете върху номер като [1], за да стигнете до изречението-източник.",
      suggestions: ["За какво се разказва в статията?", "Кои са основните събития?"],
      disclaimer: "Отговорите са генерирани от ИИ и може да съдържат грешки. Проверявайте цитатите.",
      errGeneric: "Нещо се обърка. Моля, опитайте отново.",
      errNetwork: "Няма връзка със сървъра. Проверете връзката си и опитайте отново.",
      errRate: "Твърде много въпроси в момента.",
      errBusy: "Услугата е заета.",
      errTimeout: "Отговорът се забави твърде много. Моля, опитайте отново.",
      errInterrupted: "Отговорът беше прекъснат. Моля, опитайте отново.",
      retryIn: "Опитайте отново след {s} с.",
      notice: "Забележка"
    },
    ru: {
      launcher: "Спросить о статье",
      title: "Вопросы о статье",
      subtitle: "Ответы основаны только на этой статье и цитируют её.",
      placeholder: "Задайте вопрос…",
      send: "Отправить вопрос",
      close: "Закрыть",
      newChat: "Новый разговор",
      input: "Ваш вопрос о статье",
      messages: "Разговор",
      you: "Вы",
      bot: "Помощник по статье",
      thinking: "Думаю…",
      searching: "Ищу в статье…",
      found: "Найдено фрагментов: {n}",
      writing: "Пишу ответ…",
      done: "Ответ готов.",
      sources: "Источники",
      paragraph: "¶ {n}",
      paragraphLong: "абзац {n}",
      cite: "Источник {n}",
      showInArticle: "Показать в статье",
      highlighted: "Выделено в статье.",
      intro: "Спросите что угодно об этой статье. Ответы цитируют текст — нажмите на номер вроде [1], чтобы перейти к исходному предложению.",
      suggestions: ["О чём эта статья?", "Какие главные события?"],
      disclaimer: "Ответы сгенерированы ИИ и могут содержать ошибки. Проверяйте цитаты.",
      errGeneric: "Что-то пошло не так. Попробуйте ещё раз.",
      errNetwork: "Нет связи с сервером. Проверьте подключение и попробуйте ещё раз.",
      errRate: "Слишком много вопросов.",
      errBusy: "Сервис занят.",
      errTimeout: "Ответ занял слишком много времени. Попробуйте ещё раз.",
      errInterrupted: "Ответ прервался. Попробуйте ещё раз.",
      retryIn: "Повторите через {s} с.",
      notice: "Примечание"
    }
  };
  var T = STRINGS[LANG_KEY];
  function fmt(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, function (m, k) {
      return vars && vars[k] !== undefined ? String(vars[k]) : m;
    });
  }

  // ----------------------------------------------------------------- styles
  var CSS = [
    ":host{all:initial !important;display:block !important;position:static !important;",
    "  contain:none !important;visibility:visible !important;",
    "  --aqa-accent-default:#2447d6;}",
    "*,*::before,*::after{box-sizing:border-box;}",
    "[hidden]{display:none !important;}",
    ".aqa-root{",
    "  --a:var(--aqa-accent,var(--aqa-accent-default));",
    "  --ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--soft:#f6f8fb;--tint:#eef2ff;",
    "  font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Noto Sans','Liberation Sans',sans-serif;",
    "  font-size:15px;line-height:1.5;color:var(--ink);font-weight:400;font-style:normal;",
    "  letter-spacing:normal;word-spacing:normal;text-transform:none;text-align:left;",
    "  text-indent:0;text-shadow:none;white-space:normal;direction:ltr;cursor:auto;",
    "  -webkit-font-smoothing:antialiased;}",
    "button,textarea{font:inherit;color:inherit;letter-spacing:inherit;text-transform:none;margin:0;}",
    "button{cursor:pointer;background:none;border:0;padding:0;}",
    ":focus-visible{outline:2px solid var(--a);outline-offset:2px;}",
    "svg{display:block;width:18px;height:18px;fill:none;stroke:currentColor;stroke-width:2;",
    "  stroke-linecap:round;stroke-linejoin:round;flex:none;}",

    /* launcher */
    ".aqa-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:inline-flex;",
    "  align-items:center;gap:10px;height:48px;padding:0 20px 0 16px;border-radius:999px;",
    "  background:var(--a);color:#fff;font-size:15px;font-weight:600;line-height:1;",
    "  box-shadow:0 10px 30px rgba(15,23,42,.25),0 2px 6px rgba(15,23,42,.15);",
    "  transition:transform .15s ease,box-shadow .15s ease,filter .15s ease;}",
    ".aqa-launcher:hover{transform:translateY(-1px);filter:brightness(1.08);",
    "  box-shadow:0 14px 36px rgba(15,23,42,.3),0 2px 6px rgba(15,23,42,.15);}",
    ".aqa-launcher:active{transform:translateY(0);}",
    ".aqa-launcher svg{width:20px;height:20px;}",

    /* panel */
    ".aqa-panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:400px;",
    "  height:min(640px,calc(100vh - 40px));display:flex;flex-direction:column;background:#fff;",
    "  border-radius:16px;overflow:hidden;border:1px solid rgba(15,23,42,.08);",
    "  box-shadow:0 24px 64px rgba(15,23,42,.22),0 4px 14px rgba(15,23,42,.1);",
    "  animation:aqa-in .18s ease-out;}",
    "@keyframes aqa-in{from{opacity:0;transform:translateY(12px) scale(.98);}to{opacity:1;transform:none;}}",
    ".aqa-header{display:flex;align-items:center;gap:12px;padding:14px 12px 14px 16px;",
    "  border-bottom:1px solid var(--line);background:linear-gradient(180deg,#fff,#fbfcfe);}",
    ".aqa-badge{width:36px;height:36px;border-radius:10px;display:grid;place-items:center;",
    "  background:var(--tint);color:var(--a);flex:none;}",
    ".aqa-heading{flex:1;min-width:0;}",
    ".aqa-title{margin:0;font-size:15px;font-weight:650;line-height:1.25;color:var(--ink);}",
    ".aqa-subtitle{margin:2px 0 0;font-size:12px;color:var(--muted);line-height:1.35;}",
    ".aqa-icon-btn{width:34px;height:34px;border-radius:8px;display:grid;place-items:center;",
    "  color:var(--muted);transition:background .15s,color .15s;}",
    ".aqa-icon-btn:hover{background:var(--soft);color:var(--ink);}",

    /* messages */
    ".aqa-messages{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;",
    "  gap:14px;overscroll-behavior:contain;background:#fff;}",
    ".aqa-intro{background:var(--soft);border:1px solid var(--line);border-radius:12px;",
    "  padding:14px;font-size:14px;color:#334155;}",
    ".aqa-intro p{margin:0 0 10px;}",
    ".aqa-suggestions{display:flex;flex-wrap:wrap;gap:8px;}",
    ".aqa-suggestion{border:1px solid var(--line);background:#fff;border-radius:999px;",
    "  padding:6px 12px;font-size:13px;color:var(--a);line-height:1.3;text-align:left;",
    "  transition:border-color .15s,background .15s;}",
    ".aqa-suggestion:hover{border-color:var(--a);background:var(--tint);}",
    ".aqa-suggestion:disabled{opacity:.5;cursor:default;}",
    ".aqa-msg{display:flex;flex-direction:column;max-width:100%;}",
    ".aqa-msg-user{align-items:flex-end;}",
    ".aqa-msg-user .aqa-bubble{background:var(--a);color:#fff;border-radius:14px 14px 4px 14px;",
    "  padding:9px 13px;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere;}",
    ".aqa-msg-assistant .aqa-bubble{background:var(--soft);border:1px solid var(--line);",
    "  border-radius:14px 14px 14px 4px;padding:11px 13px;max-width:100%;}",
    ".aqa-answer{white-space:pre-wrap;overflow-wrap:anywhere;hyphens:auto;}",
    ".aqa-streaming .aqa-answer::after{content:'';display:inline-block;width:7px;height:15px;",
    "  margin-left:2px;vertical-align:-2px;background:var(--a);border-radius:1px;",
    "  animation:aqa-blink 1s steps(2,start) infinite;}",
    "@keyframes aqa-blink{to{visibility:hidden;}}",
    ".aqa-abstained .aqa-answer{color:#475569;font-style:italic;}",
    ".aqa-msg-assistant[data-state='thinking']{align-items:flex-start;}",
    ".aqa-thinking{display:flex;align-items:center;gap:10px;color:var(--muted);font-size:14px;}",
    ".aqa-dots{display:inline-flex;gap:4px;}",
    ".aqa-dots i{width:6px;height:6px;border-radius:50%;background:var(--a);opacity:.35;",
    "  animation:aqa-dot 1.2s infinite ease-in-out;}",
    ".aqa-dots i:nth-child(2){animation-delay:.15s;}.aqa-dots i:nth-child(3){animation-delay:.3s;}",
    "@keyframes aqa-dot{0%,80%,100%{opacity:.25;transform:translateY(0);}40%{opacity:1;transform:translateY(-3px);}}",
    "sup.aqa-cite-wrap{vertical-align:baseline;line-height:0;font-size:inherit;position:relative;top:-.45em;}",
    ".aqa-cite{display:inline-block;min-width:17px;height:17px;padding:0 4px;margin:0 1px 0 2px;",
    "  border-radius:5px;background:var(--tint);color:var(--a);font-size:11px;font-weight:700;",
    "  line-height:17px;text-align:center;vertical-align:baseline;transition:background .15s,color .15s;}",
    ".aqa-cite:hover,.aqa-cite[aria-pressed='true']{background:var(--a);color:#fff;}",
    ".aqa-notice{display:flex;gap:8px;align-items:flex-start;margin:0 0 8px;padding:8px 10px;",
    "  border-radius:8px;background:#fff7e6;border:1px solid #fde3a7;color:#7a4b00;font-size:13px;}",
    ".aqa-notice svg{width:16px;height:16px;margin-top:1px;}",
    ".aqa-sources-label{margin:12px 0 6px;font-size:12px;font-weight:600;color:var(--muted);}",
    ".aqa-sources{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px;}",
    ".aqa-source{border:1px solid var(--line);border-radius:10px;background:#fff;",
    "  transition:border-color .2s,box-shadow .2s;}",
    ".aqa-source.aqa-flash{border-color:var(--a);box-shadow:0 0 0 3px var(--tint);}",
    ".aqa-source-btn{display:flex;align-items:flex-start;gap:8px;width:100%;padding:8px 10px;",
    "  text-align:left;font-size:13px;line-height:1.4;color:#334155;border-radius:10px;}",
    ".aqa-source-btn:hover{background:var(--soft);}",
    ".aqa-source-n{flex:none;min-width:18px;height:18px;border-radius:6px;background:var(--tint);",
    "  color:var(--a);font-size:11px;font-weight:700;line-height:18px;text-align:center;margin-top:1px;}",
    ".aqa-source-quote{flex:1;min-width:0;display:-webkit-box;-webkit-line-clamp:2;",
    "  -webkit-box-orient:vertical;overflow:hidden;}",
    ".aqa-source-para{flex:none;font-size:11px;color:var(--muted);margin-top:2px;white-space:nowrap;}",
    ".aqa-source-full{padding:0 12px 10px 36px;font-size:13px;line-height:1.55;color:#334155;",
    "  white-space:pre-wrap;overflow-wrap:anywhere;}",
    ".aqa-source-full mark{background:#ffe58a;color:inherit;border-radius:2px;}",
    ".aqa-msg-error .aqa-bubble{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;",
    "  border-radius:12px;padding:10px 12px;font-size:14px;display:flex;gap:8px;}",
    ".aqa-msg-error svg{width:16px;height:16px;margin-top:2px;}",

    /* composer */
    ".aqa-sr,.aqa-status{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);",
    "  clip-path:inset(50%);white-space:nowrap;}",
    ".aqa-form{display:flex;align-items:flex-end;gap:8px;margin:0;padding:12px;",
    "  border-top:1px solid var(--line);background:#fff;}",
    ".aqa-input{flex:1;min-width:0;resize:none;height:44px;max-height:132px;padding:11px 14px;",
    "  border:1px solid #cbd5e1;border-radius:12px;background:#fff;color:var(--ink);",
    "  font-size:15px;line-height:20px;outline:none;transition:border-color .15s,box-shadow .15s;}",
    ".aqa-input::placeholder{color:#94a3b8;}",
    ".aqa-input:focus{border-color:var(--a);box-shadow:0 0 0 3px var(--tint);}",
    ".aqa-send{width:44px;height:44px;border-radius:12px;flex:none;display:grid;place-items:center;",
    "  background:var(--a);color:#fff;transition:filter .15s,opacity .15s;}",
    ".aqa-send:hover{filter:brightness(1.1);}",
    ".aqa-send:disabled{opacity:.45;cursor:not-allowed;filter:none;}",
    ".aqa-footer{padding:0 14px 10px;font-size:11px;color:#94a3b8;text-align:center;background:#fff;}",

    /* small screens: full-width sheet */
    "@media (max-width:479.98px){",
    "  .aqa-panel{left:0;right:0;bottom:0;width:100%;height:88vh;height:88dvh;",
    "    border-radius:16px 16px 0 0;border-left:0;border-right:0;}",
    "  .aqa-launcher{right:12px;bottom:12px;height:46px;padding:0 16px 0 14px;font-size:14px;}",
    "  .aqa-input{font-size:16px;}",
    "}",
    "@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none !important;",
    "  transition:none !important;scroll-behavior:auto !important;}}"
  ].join("\n");

  var HOST_CSS = [
    "mark.aqa-highlight{background-color:#ffe58a !important;color:inherit !important;",
    "  padding:0 !important;border-radius:2px;box-shadow:0 0 0 2px #ffe58a;",
    "  -webkit-box-decoration-break:clone;box-decoration-break:clone;",
    "  transition:background-color .6s ease,box-shadow .6s ease;animation:aqa-hl-flash 1.6s ease-out 1;}",
    "@keyframes aqa-hl-flash{0%{background-color:#ffc400;box-shadow:0 0 0 5px #ffc400;}",
    "  100%{background-color:#ffe58a;box-shadow:0 0 0 2px #ffe58a;}}",
    "@media (prefers-reduced-motion:reduce){mark.aqa-highlight{animation:none;transition:none;}}"
  ].join("\n");

  // ------------------------------------------------------------ DOM helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    if (children) {
      for (var i = 0; i < children.length; i++) {
        var c = children[i];
        if (c === null || c === undefined) continue;
        node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      }
    }
    return node;
  }

  var SVGNS = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat: ["M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z", "M8.5 10.5h7", "M8.5 13.5h4.5"],
    close: ["M6 6l12 12", "M18 6L6 18"],
    send: ["M5 12h13", "M12 5l7 7-7 7"],
    refresh: ["M3 12a9 9 0 0 1 15.4-6.4L21 8", "M21 3v5h-5", "M21 12a9 9 0 0 1-15.4 6.4L3 16", "M3 21v-5h5"],
    info: ["M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M12 16v-4", "M12 8h.01"],
    alert: ["M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M12 8v5", "M12 16h.01"]
  };
  function icon(name) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var paths = ICONS[name] || [];
    for (var i = 0; i < paths.length; i++) {
      var p = document.createElementNS(SVGNS, "path");
      p.setAttribute("d", paths[i]);
      svg.appendChild(p);
    }
    return svg;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function truncate(s, n) { s = String(s || ""); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function isNarrow() { return (window.innerWidth || document.documentElement.clientWidth) < 480; }
  function reducedMotion() {
    try { return window.matchMedia("(prefers-reduced-motion: reduce)").matches; } catch (e) { return false; }
  }

  // ------------------------------------------------------------------- state
  var host, root, launcher, panel, messages, statusEl, form, input, sendBtn, suggestionBtns = [];
  var history = [];
  var busy = false;
  var msgSeq = 0;
  var currentAbort = null;

  // ------------------------------------------------------------------- build
  function build() {
    host = document.createElement(HOST_TAG);
    host.setAttribute("data-article", ARTICLE_ID);
    root = host.attachShadow({ mode: "open" });
    root.appendChild(el("style", { text: CSS }));

    var wrap = el("div", { className: "aqa-root", part: "root", lang: LANG });

    launcher = el("button", {
      id: "aqa-launcher", className: "aqa-launcher", type: "button", part: "launcher",
      "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": "aqa-panel"
    }, [icon("chat"), el("span", { className: "aqa-launcher-label", text: T.launcher })]);

    var closeBtn = el("button", {
      id: "aqa-close", className: "aqa-icon-btn aqa-close", type: "button",
      "aria-label": T.close, title: T.close
    }, [icon("close")]);
    var resetBtn = el("button", {
      id: "aqa-reset", className: "aqa-icon-btn aqa-reset", type: "button",
      "aria-label": T.newChat, title: T.newChat
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
      "aria-live": "polite", "aria-relevant": "additions", "aria-label": T.messages, tabindex: "-1"
    });
    statusEl = el("div", { id: "aqa-status", className: "aqa-status", role: "status", "aria-live": "polite" });

    input = el("textarea", {
      id: "aqa-input", className: "aqa-input", rows: "1", maxlength: String(MAX_QUESTION_CHARS),
      placeholder: T.placeholder, "aria-label": T.input, autocomplete: "off", spellcheck: "true"
    });
    sendBtn = el("button", {
      id: "aqa-send", className: "aqa-send", type: "submit", "aria-label": T.send, title: T.send
    }, [icon("send")]);
    form = el("form", { id: "aqa-form", className: "aqa-form", novalidate: true }, [input, sendBtn]);

    panel = el("section", {
      id: "aqa-panel", className: "aqa-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "aqa-title", part: "panel", hidden: true
    }, [header, messages, statusEl, form, el("div", { className: "aqa-footer", text: T.disclaimer })]);

    wrap.appendChild(launcher);
    wrap.appendChild(panel);
    root.appendChild(wrap);
    renderIntro();

    launcher.addEventListener("click", function () { open(); });
    closeBtn.addEventListener("click", function () { close(); });
    resetBtn.addEventListener("click", function () { reset(); input.focus(); });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      submitInput();
    });
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

    document.body.appendChild(host);
  }

  function renderIntro() {
    suggestionBtns = [];
    var chips = el("div", { className: "aqa-suggestions" });
    T.suggestions.forEach(function (q) {
      var b = el("button", { type: "button", className: "aqa-suggestion", text: q });
      b.addEventListener("click", function () { ask(q); });
      suggestionBtns.push(b);
      chips.appendChild(b);
    });
    messages.appendChild(el("div", { className: "aqa-intro" }, [el("p", { text: T.intro }), chips]));
  }

  function autoGrow() {
    input.style.height = "44px";
    var h = Math.min(input.scrollHeight + 2, 132);
    if (h > 44) input.style.height = h + "px";
  }

  // ---------------------------------------------------------- open / close
  function isOpen() { return !!panel && !panel.hidden; }

  function open() {
    if (!panel) return;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    scrollToBottom(true);
    setTimeout(function () { try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); } }, 0);
  }

  function close() {
    if (!panel) return;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    try { launcher.focus({ preventScroll: true }); } catch (e) { launcher.focus(); }
  }

  function reset() {
    if (currentAbort) {
      var c = currentAbort;
      currentAbort = null;
      try { c.abort(); } catch (e) { /* ignore */ }
    }
    history = [];
    clear(messages);
    renderIntro();
    setStatus("");
    removeHighlight();
  }

  function setBusy(b) {
    busy = b;
    sendBtn.disabled = b;
    sendBtn.setAttribute("aria-busy", b ? "true" : "false");
    for (var i = 0; i < suggestionBtns.length; i++) suggestionBtns[i].disabled = b;
    if (panel) panel.setAttribute("aria-busy", b ? "true" : "false");
  }

  function setStatus(text) { statusEl.textContent = text || ""; }

  function nearBottom() { return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80; }
  function scrollToBottom(force) {
    if (force || nearBottom()) messages.scrollTop = messages.scrollHeight;
  }

  function submitInput() {
    if (busy) return;
    var q = input.value.trim();
    if (!q) return;
    input.value = "";
    autoGrow();
    ask(q);
  }

  // ---------------------------------------------------------------- messages
  function addUserMessage(text) {
    var m = el("div", { className: "aqa-msg aqa-msg-user", "data-role": "user" }, [
      el("span", { className: "aqa-sr", text: T.you + ":" }),
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

  /** Numbered references: citation data where verified, passage data otherwise. */
  function buildRefs(ans) {
    var refs = {};
    var passages = ans.passages || [];
    var byN = {};
    for (var i = 0; i < passages.length; i++) byN[passages[i].n] = passages[i];
    var cits = ans.citations || [];
    for (var j = 0; j < cits.length; j++) {
      var c = cits[j];
      if (refs[c.n]) continue;
      refs[c.n] = {
        n: c.n, paragraph: c.paragraph, start: c.start, end: c.end,
        quote: c.quote || "", passage: byN[c.n] || null, cited: true
      };
    }
    for (var k in byN) {
      if (!refs[k]) {
        var p = byN[k];
        refs[k] = { n: p.n, paragraph: p.paragraph, start: p.start, end: p.end, quote: p.text || "", passage: p, cited: false };
      }
    }
    return refs;
  }

  var MARKER = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

  function renderAnswer(turn, ans) {
    var pinned = nearBottom();
    var text = String(ans.answer || "");
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
      bubble.appendChild(el("div", { className: "aqa-notice", role: "note" }, [
        icon("info"), el("span", { text: String(ans.notice) })
      ]));
    }

    var answerEl = el("div", { className: "aqa-answer" });
    var used = [];
    var last = 0, m;
    MARKER.lastIndex = 0;
    while ((m = MARKER.exec(text)) !== null) {
      var nums = m[1].split(/\s*[,;]\s*/).map(function (s) { return parseInt(s, 10); });
      var known = nums.every(function (n) { return !!refs[n]; });
      if (!known) continue;
      if (m.index > last) answerEl.appendChild(document.createTextNode(text.slice(last, m.index)));
      nums.forEach(function (n) {
        answerEl.appendChild(citeButton(turn, refs[n]));
        if (used.indexOf(n) < 0) used.push(n);
      });
      last = m.index + m[0].length;
    }
    if (last < text.length) answerEl.appendChild(document.createTextNode(text.slice(last)));
    bubble.appendChild(answerEl);
    turn.answer = answerEl;

    // Source list: every verified citation, plus any passage the text cites.
    var listNs = [];
    for (var k in refs) {
      var n = refs[k].n;
      if ((refs[k].cited || used.indexOf(n) >= 0) && listNs.indexOf(n) < 0) listNs.push(n);
    }
    listNs.sort(function (a, b) { return a - b; });
    if (listNs.length && !ans.abstained) {
      bubble.appendChild(el("div", { className: "aqa-sources-label", id: turn.id + "-sources-label", text: T.sources }));
      var ol = el("ol", { className: "aqa-sources", "aria-labelledby": turn.id + "-sources-label" });
      listNs.forEach(function (n) { ol.appendChild(sourceItem(turn, refs[n])); });
      bubble.appendChild(ol);
    }
    setStatus(T.done);
    if (pinned) scrollToBottom(true);
  }

  function citeButton(turn, ref) {
    var b = el("button", {
      type: "button", className: "aqa-cite", "data-n": String(ref.n),
      "aria-label": fmt(T.cite, { n: ref.n }) + ": " + truncate(ref.quote, 140),
      title: truncate(ref.quote, 200), text: String(ref.n)
    });
    b.addEventListener("click", function (ev) {
      ev.preventDefault();
      activateCitation(turn, ref, b);
    });
    return el("sup", { className: "aqa-cite-wrap" }, [b]);
  }

  function sourceItem(turn, ref) {
    var li = el("li", { className: "aqa-source", id: turn.id + "-src-" + ref.n, "data-n": String(ref.n) });
    var paraLabel = typeof ref.paragraph === "number" ? fmt(T.paragraph, { n: ref.paragraph }) : "";
    var btn = el("button", {
      type: "button", className: "aqa-source-btn", "data-n": String(ref.n),
      "aria-controls": turn.id + "-src-" + ref.n + "-full", "aria-expanded": "false",
      title: T.showInArticle
    }, [
      el("span", { className: "aqa-source-n", "aria-hidden": "true", text: String(ref.n) }),
      el("span", { className: "aqa-sr", text: fmt(T.cite, { n: ref.n }) + ", " +
        (typeof ref.paragraph === "number" ? fmt(T.paragraphLong, { n: ref.paragraph }) + ": " : "") }),
      el("span", { className: "aqa-source-quote", text: "“" + ref.quote + "”" }),
      paraLabel ? el("span", { className: "aqa-source-para", "aria-hidden": "true", text: paraLabel }) : null
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
    var lo = -1, hi = -1;
    if (p && typeof p.start === "number" && typeof ref.start === "number") {
      lo = ref.start - p.start; hi = ref.end - p.start;
      if (!(lo >= 0 && hi <= text.length && hi > lo && (!ref.quote || text.slice(lo, hi) === ref.quote))) lo = -1;
    }
    if (lo < 0 && ref.quote) { lo = text.indexOf(ref.quote); hi = lo + ref.quote.length; }
    if (lo < 0 || !ref.cited) { container.appendChild(document.createTextNode(text)); return; }
    if (lo > 0) container.appendChild(document.createTextNode(text.slice(0, lo)));
    container.appendChild(el("mark", { text: text.slice(lo, hi) }));
    if (hi < text.length) container.appendChild(document.createTextNode(text.slice(hi)));
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
      if (isNarrow()) close(); // the sheet covers the page on phones
      return true;
    }
    if (li) {
      toggleSource(li, true);
      flashSource(li);
      try { li.scrollIntoView({ block: "nearest", behavior: reducedMotion() ? "auto" : "smooth" }); } catch (e) { li.scrollIntoView(); }
    }
    return false;
  }

  function addError(turn, err) {
    var text = errorText(err);
    var bubble = el("div", { className: "aqa-bubble" }, [icon("alert"), el("span", { className: "aqa-error-text", text: text })]);
    var m = el("div", { className: "aqa-msg aqa-msg-error", role: "alert", "data-role": "error" }, [bubble]);
    if (err && err.code) m.setAttribute("data-error", err.code);
    if (err && err.status) m.setAttribute("data-status", String(err.status));
    if (turn) {
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
    } else {
      messages.appendChild(m);
    }
    setStatus(text);
    scrollToBottom(true);
  }

  function errorText(err) {
    err = err || {};
    var msg = err.serverMessage ? String(err.serverMessage) : "";
    if (!msg) {
      if (err.status === 429) msg = T.errRate;
      else if (err.status === 503) msg = T.errBusy;
      else if (err.code === "network") msg = T.errNetwork;
      else if (err.code === "timeout") msg = T.errTimeout;
      else if (err.code === "interrupted") msg = T.errInterrupted;
      else msg = T.errGeneric;
    }
    if (err.retryAfter && (err.status === 429 || err.status === 503)) {
      msg += " " + fmt(T.retryIn, { s: err.retryAfter });
    }
    return msg;
  }

  // -------------------------------------------------------------- networking
  function AskError(status, code, serverMessage, retryAfter) {
    this.status = status || 0;
    this.code = code || "error";
    this.serverMessage = serverMessage || "";
    this.retryAfter = retryAfter || 0;
    this.message = serverMessage || code || "error";
  }

  function parseRetryAfter(h) {
    if (!h) return 0;
    var s = parseInt(h, 10);
    if (!isNaN(s) && String(s) === String(h).trim()) return Math.max(0, s);
    var d = Date.parse(h);
    return isNaN(d) ? 0 : Math.max(0, Math.ceil((d - Date.now()) / 1000));
  }

  function errorFromResponse(res) {
    var retry = parseRetryAfter(res.headers.get("Retry-After"));
    return res.text().then(function (body) {
      var data = null;
      try { data = JSON.parse(body); } catch (e) { /* not JSON */ }
      var code = (data && (data.error || data.code)) || "http_" + res.status;
      var msg = data && typeof data.message === "string" ? data.message
        : data && typeof data.detail === "string" ? data.detail : "";
      return new AskError(res.status, String(code), msg, retry);
    }, function () { return new AskError(res.status, "http_" + res.status, "", retry); });
  }

  function postJSON(path, body, accept, signal) {
    return fetch(API + path, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json", "Accept": accept },
      body: JSON.stringify(body),
      signal: signal
    });
  }

  /** Minimal SSE reader over a fetch() body: calls onEvent(type, dataString). */
  function readSSE(res, onEvent) {
    var decoder = new TextDecoder("utf-8");
    var pending = "";
    var evType = "";
    var dataLines = [];

    function line(l) {
      if (l === "") {
        if (dataLines.length) onEvent(evType || "message", dataLines.join("\n"));
        evType = ""; dataLines = [];
        return;
      }
      if (l.charAt(0) === ":") return;
      var i = l.indexOf(":");
      var field = i < 0 ? l : l.slice(0, i);
      var value = i < 0 ? "" : l.slice(i + 1);
      if (value.charAt(0) === " ") value = value.slice(1);
      if (field === "event") evType = value;
      else if (field === "data") dataLines.push(value);
    }

    function feed(chunk, final) {
      var text = pending + chunk;
      var start = 0;
      for (var i = 0; i < text.length; i++) {
        var c = text.charAt(i);
        if (c === "\n" || c === "\r") {
          if (c === "\r" && i + 1 === text.length && !final) break; // maybe \r\n split across chunks
          line(text.slice(start, i));
          if (c === "\r" && text.charAt(i + 1) === "\n") i++;
          start = i + 1;
        }
      }
      pending = text.slice(start);
      if (final) {
        if (pending) line(pending);
        line("");
        pending = "";
      }
    }

    if (!res.body || !res.body.getReader) {
      return res.text().then(function (t) { feed(t, true); });
    }
    var reader = res.body.getReader();
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) { feed(decoder.decode(), true); return; }
        feed(decoder.decode(r.value, { stream: true }), false);
        return pump();
      });
    }
    return pump();
  }

  function askPlain(body, signal) {
    return postJSON("api/ask", body, "application/json", signal).then(function (res) {
      if (!res.ok) return errorFromResponse(res).then(function (e) { throw e; });
      return res.json();
    });
  }

  function askStream(body, signal, handlers) {
    var gotEvent = false;
    return postJSON("api/ask/stream", body, "text/event-stream", signal).then(function (res) {
      if (res.status === 404 || res.status === 405 || res.status === 501) return askPlain(body, signal);
      if (!res.ok) return errorFromResponse(res).then(function (e) { throw e; });
      var ctype = (res.headers.get("Content-Type") || "").toLowerCase();
      if (ctype.indexOf("application/json") >= 0) return res.json();
      var final = null, failure = null;
      return readSSE(res, function (type, data) {
        gotEvent = true;
        var payload = null;
        try { payload = JSON.parse(data); } catch (e) { payload = null; }
        if (type === "sources") handlers.sources(payload || {});
        else if (type === "token") handlers.token(payload && typeof payload.text === "string" ? payload.text : "");
        else if (type === "answer" && payload) final = payload;
        else if (type === "error") {
          failure = new AskError(payload && payload.status || 0, payload && payload.error || "stream_error",
            payload && payload.message || "", 0);
        }
      }).then(function () {
        if (failure) throw failure;
        if (!final) throw new AskError(0, "interrupted", "", 0);
        return final;
      });
    }, function (netErr) {
      if (signal && signal.aborted) throw netErr;
      // Could not even open the stream: try the plain endpoint once.
      if (!gotEvent) return askPlain(body, signal);
      throw netErr;
    });
  }

  function historyPayload() {
    return history.slice(-MAX_HISTORY_TURNS).map(function (t) {
      return { role: t.role, content: truncate(t.content, MAX_HISTORY_CHARS) };
    });
  }

  // --------------------------------------------------------------------- ask
  function ask(question) {
    question = String(question === undefined || question === null ? "" : question).trim();
    if (!question || busy || !panel) return Promise.resolve(null);
    if (question.length > MAX_QUESTION_CHARS) question = question.slice(0, MAX_QUESTION_CHARS);
    if (!isOpen()) open();

    var intro = messages.querySelector(".aqa-intro");
    if (intro) intro.parentNode.removeChild(intro);

    setBusy(true);
    addUserMessage(question);
    var turn = addAssistantMessage();
    setStatus(T.searching);

    var body = { question: question, history: historyPayload(), article_id: ARTICLE_ID };
    var ctrl = typeof AbortController !== "undefined" ? new AbortController() : null;
    currentAbort = ctrl;
    var timedOut = false;
    var timer = setTimeout(function () { timedOut = true; if (ctrl) ctrl.abort(); }, REQUEST_TIMEOUT_MS);

    return askStream(body, ctrl && ctrl.signal, {
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
      var e = err instanceof AskError ? err
        : timedOut ? new AskError(0, "timeout", "", 0)
        : new AskError(0, "network", "", 0);
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

  // ----------------------------------------------------- host-page highlight
  var hostStyleInjected = false;
  function injectHostStyle() {
    if (hostStyleInjected || document.getElementById("article-qa-host-style")) { hostStyleInjected = true; return; }
    var s = document.createElement("style");
    s.id = "article-qa-host-style";
    s.textContent = HOST_CSS;
    (document.head || document.documentElement).appendChild(s);
    hostStyleInjected = true;
  }

  function hasHostAnchors() { return !!document.querySelector("[data-aqa-paragraph]"); }

  function removeHighlight() {
    var marks = document.querySelectorAll("mark.aqa-highlight[data-aqa-highlight]");
    var parents = [];
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i], parent = m.parentNode;
      if (!parent) continue;
      while (m.firstChild) parent.insertBefore(m.firstChild, m);
      parent.removeChild(m);
      if (parents.indexOf(parent) < 0) parents.push(parent);
    }
    for (var j = 0; j < parents.length; j++) parents[j].normalize();
  }

  function anchorSpan(a) {
    var s = parseInt(a.getAttribute("data-aqa-start"), 10);
    return { start: s, len: (a.textContent || "").length, ok: !isNaN(s) };
  }

  function findAnchor(ref) {
    var anchors = document.querySelectorAll("[data-aqa-paragraph]");
    if (!anchors.length) return null;
    var byNum = null, i, sp;
    for (i = 0; i < anchors.length; i++) {
      if (anchors[i].getAttribute("data-aqa-paragraph") === String(ref.paragraph)) { byNum = anchors[i]; break; }
    }
    var hasOffsets = typeof ref.start === "number" && typeof ref.end === "number";
    if (byNum && hasOffsets) {
      sp = anchorSpan(byNum);
      if (sp.ok && ref.start >= sp.start && ref.end <= sp.start + sp.len) return byNum;
    }
    if (hasOffsets) {
      for (i = 0; i < anchors.length; i++) {
        sp = anchorSpan(anchors[i]);
        if (sp.ok && ref.start >= sp.start && ref.end <= sp.start + sp.len) return anchors[i];
      }
    }
    if (byNum) return byNum;
    if (ref.quote) {
      for (i = 0; i < anchors.length; i++) {
        if ((anchors[i].textContent || "").indexOf(ref.quote) >= 0) return anchors[i];
      }
    }
    return null;
  }

  /** indexOf that ignores differences in whitespace; returns [lo, hi] in `text` or null. */
  function looseFind(text, needle) {
    var map = [], norm = "", prevSpace = false;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (/\s/.test(ch)) {
        if (prevSpace) continue;
        prevSpace = true; norm += " "; map.push(i);
      } else { prevSpace = false; norm += ch; map.push(i); }
    }
    var q = String(needle).replace(/\s+/g, " ").trim();
    if (!q) return null;
    var k = norm.indexOf(q);
    if (k < 0) return null;
    return [map[k], map[k + q.length - 1] + 1];
  }

  function localRange(anchor, ref) {
    var text = anchor.textContent || "";
    var sp = anchorSpan(anchor);
    if (sp.ok && typeof ref.start === "number" && typeof ref.end === "number") {
      var lo = ref.start - sp.start, hi = ref.end - sp.start;
      if (lo >= 0 && hi <= text.length && hi > lo && (!ref.quote || text.slice(lo, hi) === ref.quote)) return [lo, hi];
    }
    if (ref.quote) {
      var k = text.indexOf(ref.quote);
      if (k >= 0) return [k, k + ref.quote.length];
      var loose = looseFind(text, ref.quote);
      if (loose) return loose;
    }
    return [0, text.length]; // whole paragraph
  }

  function wrapRange(anchor, lo, hi) {
    var walker = document.createTreeWalker(anchor, NodeFilter.SHOW_TEXT, null);
    var pos = 0, node, targets = [];
    while ((node = walker.nextNode())) {
      var len = node.data.length, ns = pos, ne = pos + len;
      pos = ne;
      if (ne <= lo) continue;
      if (ns >= hi) break;
      var p = node.parentNode && node.parentNode.nodeName;
      if (p === "SCRIPT" || p === "STYLE" || p === "TEXTAREA") continue;
      targets.push([node, Math.max(lo, ns) - ns, Math.min(hi, ne) - ns]);
    }
    var marks = [];
    for (var i = 0; i < targets.length; i++) {
      var t = targets[i], mid = t[0], a = t[1], b = t[2];
      if (b <= a) continue;
      if (a > 0) mid = mid.splitText(a);
      if (b - a < mid.data.length) mid.splitText(b - a);
      var mark = document.createElement("mark");
      mark.className = "aqa-highlight";
      mark.setAttribute("data-aqa-highlight", "");
      mid.parentNode.insertBefore(mark, mid);
      mark.appendChild(mid);
      marks.push(mark);
    }
    return marks;
  }

  function highlightInHost(ref) {
    if (!hasHostAnchors()) return false;
    var anchor = findAnchor(ref);
    if (!anchor) return false;
    injectHostStyle();
    removeHighlight();
    var r = localRange(anchor, ref);
    var marks = wrapRange(anchor, r[0], r[1]);
    var target = marks[0] || anchor;
    var opts = { behavior: reducedMotion() ? "auto" : "smooth", block: "center", inline: "nearest" };
    // Centre the paragraph when it fits on screen, otherwise the quote itself.
    var vh = window.innerHeight || document.documentElement.clientHeight;
    if (anchor.getBoundingClientRect().height < vh * 0.8) target = anchor;
    try { target.scrollIntoView(opts); } catch (e) { target.scrollIntoView(); }
    return true;
  }

  // -------------------------------------------------------------------- boot
  var api = {
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
    get articleId() { return ARTICLE_ID; }
  };
  window.ArticleQA = api;

  function boot() {
    if (host) return;
    if (document.querySelector(HOST_TAG)) return; // already embedded (e.g. script included twice)
    build();
    if (script && script.getAttribute("data-open") === "true") open();
  }
  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot);
})();
