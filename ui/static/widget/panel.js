/**
 * The widget's fixed parts, built once: the launcher button and the chat panel (header, the
 * conversation log, a status line, the selected-text box and the question form). Every label
 * comes from the strings T; nothing here listens to events (main.js wires them).
 */

import { el, icon } from "./dom.js";

/** The parts, by name; `wrap` holds the launcher and the panel. */
export function buildPanel(T, lang, maxQuestionChars) {
  var parts = {};
  parts.launcher = el("button", {
    id: "aqa-launcher", className: "aqa-launcher", type: "button", part: "launcher",
    "aria-expanded": "false", "aria-controls": "aqa-panel"
  }, [icon("chat"), el("span", { className: "aqa-launcher-label", text: T.launcher })]);

  parts.closeBtn = el("button", {
    id: "aqa-close", className: "aqa-icon-btn aqa-close", type: "button", "aria-label": T.close, title: T.close
  }, [icon("close")]);
  parts.resetBtn = el("button", {
    id: "aqa-reset", className: "aqa-icon-btn aqa-reset", type: "button", "aria-label": T.newChat, title: T.newChat
  }, [icon("refresh")]);

  var header = el("header", { className: "aqa-header" }, [
    el("div", { className: "aqa-badge" }, [icon("chat")]),
    el("div", { className: "aqa-heading" }, [
      el("h2", { id: "aqa-title", className: "aqa-title", text: T.title }),
      el("p", { className: "aqa-subtitle", text: T.subtitle })
    ]),
    parts.resetBtn, parts.closeBtn
  ]);

  parts.messages = el("div", {
    id: "aqa-messages", className: "aqa-messages", role: "log",
    "aria-live": "polite", "aria-relevant": "additions", "aria-label": T.messages, tabindex: "0"
  });
  parts.statusEl = el("div", { id: "aqa-status", className: "aqa-status", role: "status", "aria-live": "polite" });

  parts.dropContext = el("button", {
    id: "aqa-context-remove", className: "aqa-icon-btn", type: "button",
    "aria-label": T.removeSelection, title: T.removeSelection
  }, [icon("close")]);
  parts.contextQuote = el("span", { id: "aqa-context-quote", className: "aqa-context-quote" });
  parts.contextBox = el("div", { id: "aqa-context", className: "aqa-context", hidden: true }, [
    el("div", { className: "aqa-context-text" }, [
      el("span", { className: "aqa-context-label", text: T.selection }),
      parts.contextQuote
    ]),
    parts.dropContext
  ]);

  parts.input = el("textarea", {
    id: "aqa-input", className: "aqa-input", rows: "1", maxlength: String(maxQuestionChars),
    placeholder: T.placeholder, "aria-label": T.input, autocomplete: "off", spellcheck: "true"
  });
  parts.sendBtn = el("button", {
    id: "aqa-send", className: "aqa-send", type: "submit", "aria-label": T.send, title: T.send
  }, [icon("send")]);
  parts.form = el("form", { id: "aqa-form", className: "aqa-form", novalidate: true }, [parts.input, parts.sendBtn]);

  parts.panel = el("section", {
    id: "aqa-panel", className: "aqa-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "aqa-title", part: "panel", hidden: true
  }, [
    header, parts.messages, parts.statusEl, parts.contextBox, parts.form,
    el("div", { className: "aqa-footer", text: T.disclaimer })
  ]);

  parts.wrap = el("div", { className: "aqa-root", part: "root", lang: lang }, [parts.launcher, parts.panel]);
  return parts;
}

/** Enter sends the question; Shift+Enter is a new line, and keys that compose a character are left alone. */
export function isSendKey(ev) {
  return ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229;
}
