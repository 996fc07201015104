"""Scripted evaluation of article-qa: a gold dataset in, metrics and reports out.

    dataset (JSONL | CSV, validated whole) ─ runner (Pipeline.ask in-process, or POST /api/ask)
      ─ results.jsonl (one RAGAS-compatible row per question, appended as it goes: resumable)
      ─ scoring (per row) ─ summary.json, report.md, report.html ─ compare (A -> B)

``normalize`` and ``metrics`` are pure functions with worked examples; ``scoring`` applies them
to one row and aggregates rows; everything else is input, output and the command line.
"""
