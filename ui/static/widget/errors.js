/**
 * What went wrong, in two voices: a sentence for the reader in the page's language, and one
 * console line for the site's developer saying what to fix. Pure (tested with node --test).
 *
 * An error is {status, code, serverMessage, retryAfter}: code is the server's error class
 * ("OriginRefused", "UnknownArticle", ...) or "network", "timeout", "interrupted".
 */

import { fmt } from "./i18n.js";

export function AskError(status, code, serverMessage, retryAfter) {
  this.status = status || 0;
  this.code = code || "error";
  this.serverMessage = serverMessage || "";
  this.retryAfter = retryAfter || 0;
  this.message = serverMessage || code || "error";
}

var ARTICLE_CODES = ["UnknownArticle", "ArticleNotChosen", "InvalidArticle"];

/**
 * The kind of an error: origin, article, network, rate, busy, timeout, interrupted, invalid
 * (the question itself: the server's message is shown) or generic.
 */
export function errorKind(err) {
  err = err || {};
  if (err.code === "OriginRefused") return "origin";
  if (ARTICLE_CODES.indexOf(err.code) >= 0) return "article";
  if (err.code === "network") return "network";
  if (err.status === 429) return "rate";
  if (err.status === 503) return "busy";
  if (err.code === "timeout" || err.code === "interrupted") return err.code;
  if (err.status >= 400 && err.status < 500 && err.serverMessage) return "invalid";
  return "generic";
}

/** The reader's sentence, all in the strings' language (T is one language of STRINGS). */
export function readerMessage(err, T) {
  var kind = errorKind(err);
  var wait = err && err.retryAfter;
  switch (kind) {
    case "origin": return T.errOrigin;
    case "article": return T.errArticle;
    case "network": return T.errNetwork;
    case "rate": return wait ? fmt(T.errRate, { s: wait }) : T.errRateSoon;
    case "busy": return T.errBusy + (wait ? " " + fmt(T.retryIn, { s: wait }) : "");
    case "timeout": return T.errTimeout;
    case "interrupted": return T.errInterrupted;
    case "invalid": return String(err.serverMessage);
    default: return T.errGeneric;
  }
}

/**
 * One line for the browser console naming what the integrator should fix, or "" when the
 * reader caused it (a bad question) or it ends by itself.
 * ctx: {api, origin, articleId}.
 */
export function developerHint(err, ctx) {
  var kind = errorKind(err);
  var said = err && err.serverMessage ? " The server said: " + err.serverMessage : "";
  var api = ctx.api;
  switch (kind) {
    case "origin":
      return "article-qa: pages from " + ctx.origin + " may not call " + api + ". Add " + ctx.origin +
        " to ARTICLE_QA_ALLOWED_ORIGINS on that server." + said;
    case "article":
      return "article-qa: " + (ctx.articleId ? 'data-article="' + ctx.articleId + '"' : "the script tag has no data-article") +
        " does not name an article indexed at " + api + ". Set data-article on the widget's <script> tag to one of the ids listed at " +
        api + "api/articles." + said;
    case "network":
      return "article-qa: no response from " + api + " (network error). Check that the server is running and that the " +
        "script's src (or data-api) points at it.";
    case "rate":
      return "article-qa: " + api + " answered 429 (rate limit, ARTICLE_QA_RATE_LIMIT_PER_MINUTE per client); " +
        "the reader was asked to wait" + (err.retryAfter ? " " + err.retryAfter + " s" : "") +
        ". Behind a proxy, set ARTICLE_QA_TRUSTED_PROXIES so that readers are counted apart.";
    default:
      return "";
  }
}

/** Seconds from a Retry-After header (seconds or an HTTP date); 0 when absent or unreadable. */
export function parseRetryAfter(h, now) {
  if (!h) return 0;
  var s = parseInt(h, 10);
  if (!isNaN(s) && String(s) === String(h).trim()) return Math.max(0, s);
  var d = Date.parse(h);
  return isNaN(d) ? 0 : Math.max(0, Math.ceil((d - (now === undefined ? Date.now() : now)) / 1000));
}
