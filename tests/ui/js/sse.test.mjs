// The server-sent-events parser (ui/static/widget/sse.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { sseParser } from "../../../ui/static/widget/sse.js";

function parse(chunks) {
  const seen = [];
  const feed = sseParser((type, data) => seen.push([type, data]));
  chunks.forEach((c, i) => feed(c, i === chunks.length - 1));
  return seen;
}

const STREAM = 'event: sources\ndata: {"passages": []}\n\n: ping\n\nevent: token\ndata: {"text": "Hi"}\n\nevent: answer\ndata: {"answer": "Hi"}\n\n';

test("events come out whole, whatever the chunking", () => {
  const whole = parse([STREAM]);
  assert.deepEqual(whole.map((e) => e[0]), ["sources", "token", "answer"]);
  for (let cut = 1; cut < STREAM.length; cut += 7) {
    assert.deepEqual(parse([STREAM.slice(0, cut), STREAM.slice(cut)]), whole, `cut at ${cut}`);
  }
});

test("CRLF, a CR split from its LF, multi-line data and a missing final blank line", () => {
  assert.deepEqual(parse(["event: token\r", "\ndata: a\r\ndata: b\r\n\r\n"]), [["token", "a\nb"]]);
  assert.deepEqual(parse(["data: x"]), [["message", "x"]]);
  assert.deepEqual(parse([": comment only\n\n"]), []);
});
