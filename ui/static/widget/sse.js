/**
 * A server-sent-events parser for a fetch() body read in chunks: feed it text as it arrives
 * and it calls onEvent(type, data) for each complete event. Pure (tested with node --test).
 */

export function sseParser(onEvent) {
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

  /** Feed the next piece of text; final=true at the end of the body. */
  return function feed(chunk, final) {
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
  };
}
