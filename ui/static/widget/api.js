/**
 * The widget's HTTP client: ask (streamed, with a plain fallback), suggestions, feedback.
 * Every failure becomes an AskError: the server's JSON error, or "network" when the browser
 * got no readable response at all.
 */

import { AskError, parseRetryAfter } from "./errors.js";
import { sseParser } from "./sse.js";

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

function request(api, path, init) {
  return fetch(api + path, Object.assign({ mode: "cors", credentials: "omit" }, init)).then(
    function (res) { return res; },
    function (err) {
      if (init && init.signal && init.signal.aborted) throw err;
      throw new AskError(0, "network", "", 0);
    }
  );
}

function postJSON(api, path, body, accept, signal) {
  return request(api, path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": accept },
    body: JSON.stringify(body),
    signal: signal
  });
}

function readJSON(res) {
  if (!res.ok) return errorFromResponse(res).then(function (e) { throw e; });
  return res.json();
}

function readSSE(res, onEvent) {
  var feed = sseParser(onEvent);
  if (!res.body || !res.body.getReader) {
    return res.text().then(function (t) { feed(t, true); });
  }
  var decoder = new TextDecoder("utf-8");
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

export function askPlain(api, body, signal) {
  return postJSON(api, "api/ask", body, "application/json", signal).then(readJSON);
}

/**
 * The answer, streamed: handlers.sources(payload) and handlers.token(text) as they come, and
 * handlers.queue(position, quick) (optional; 1 = next; quick: it waits for a model, so the answer
 * without one may be offered) while the question waits in line.
 */
export function askStream(api, body, signal, handlers) {
  return postJSON(api, "api/ask/stream", body, "text/event-stream", signal).then(function (res) {
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      var data = res.headers.get("Content-Type") || "";
      if (res.status !== 404 || data.indexOf("json") < 0) return askPlain(api, body, signal);
    }
    if (!res.ok) return errorFromResponse(res).then(function (e) { throw e; });
    var ctype = (res.headers.get("Content-Type") || "").toLowerCase();
    if (ctype.indexOf("application/json") >= 0) return res.json();
    var final = null, failure = null;
    return readSSE(res, function (type, data) {
      var payload = null;
      try { payload = JSON.parse(data); } catch (e) { payload = null; }
      if (type === "queue") {
        if (handlers.queue && payload && payload.position > 0) handlers.queue(payload.position, payload.quick !== false);
      } else if (type === "sources") handlers.sources(payload || {});
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
    }, function (err) {
      if (signal && signal.aborted) throw err;
      throw failure || new AskError(0, "interrupted", "", 0);
    });
  });
}

/** The indexed articles' metadata. */
export function listArticles(api) {
  return request(api, "api/articles", { headers: { "Accept": "application/json" } }).then(readJSON);
}

/** {article_id, suggestions: {en: [...], bg: [...], ru: [...]}} */
export function fetchSuggestions(api, articleId) {
  var path = "api/articles/" + encodeURIComponent(articleId) + "/suggestions";
  return request(api, path, { headers: { "Accept": "application/json" } }).then(readJSON);
}

/** Store a reader's rating; resolves to {id, status}. */
export function sendFeedback(api, body) {
  return postJSON(api, "api/feedback", body, "application/json").then(readJSON);
}
