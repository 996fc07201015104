"""The Gradio chat's look: a theme whose text contrast passes WCAG AA (axe-core checks it in the
browser tests) and the page's CSS (layout, sources panel, status line; phone and reduced-motion
variants). ``ui.server`` passes both to ``gr.mount_gradio_app``.
"""

from __future__ import annotations

import gradio as gr

THEME = gr.themes.Soft(
    primary_hue="indigo",
    font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "monospace"],
).set(  # text contrast of at least 4.5:1 in light and dark (axe-core checks it in the tests)
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800",
    button_primary_text_color="white",
    button_primary_text_color_dark="white",
    body_text_color_subdued="*neutral_600",
    body_text_color_subdued_dark="*neutral_300",
    block_label_text_color="*neutral_700",
    block_label_text_color_dark="*neutral_200",
    block_info_text_color="*neutral_700",
    block_info_text_color_dark="*neutral_200",
    block_title_text_color="*neutral_700",
    block_title_text_color_dark="*neutral_200",
)
CSS = """
#aqa-app { max-width: 1180px; margin: 0 auto; }
.aqa-header h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
.aqa-header .aqa-title { font-weight: 600; margin: 0; }
.aqa-header .aqa-facts { color: var(--body-text-color-subdued); font-size: .85rem; margin: .2rem 0 0; }
.aqa-status { display: flex; align-items: center; gap: .5rem; padding: .45rem .75rem; border-radius: 8px;
  font-size: .9rem; background: var(--background-fill-secondary); }
.aqa-status-loading, .aqa-status-waiting { background: #fff7ed; color: #9a3412; }
.aqa-status-error { background: #fef2f2; color: #991b1b; }
.aqa-spinner { width: .9rem; height: .9rem; border: 2px solid currentColor; border-right-color: transparent;
  border-radius: 50%; animation: aqa-spin .8s linear infinite; flex: none; }
@keyframes aqa-spin { to { transform: rotate(360deg); } }
.aqa-sources h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.aqa-source-list { padding-left: 0; list-style: none; margin: 0; display: flex; flex-direction: column;
  gap: .6rem; }
.aqa-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6rem .75rem;
  scroll-margin-top: 1rem; }
.aqa-source:target { outline: 3px solid var(--color-accent); }
.aqa-source-head { font-size: .8rem; color: var(--body-text-color-subdued); margin-bottom: .25rem; }
.aqa-source-n { font-weight: 700; color: #4338ca; }
.aqa-source-text { margin: 0; line-height: 1.55; font-size: .92rem; }
.aqa-source mark.aqa-quote { background: #fde68a; color: #111827; padding: 0 .1em; border-radius: 3px; }
.dark .aqa-source-n, .dark a.aqa-cite { color: #a5b4fc; }
.aqa-retrieved { opacity: .85; }
.aqa-muted { color: var(--body-text-color-subdued); font-size: .9rem; }
a.aqa-cite { font-weight: 700; text-decoration: none; }
@media (max-width: 720px) {
  #aqa-chat { height: 60vh !important; }
  .aqa-header h1 { font-size: 1.2rem; }
  /* on a phone the sources come right after the answer, before the controls and examples */
  #aqa-main { flex-direction: column; }
  #aqa-left, #aqa-right { display: contents; }
  #aqa-chat { order: 1; }
  #aqa-sources { order: 2; }
  #aqa-ask-row, #aqa-quick { order: 3; }
  #aqa-reason-row { order: 4; }
  #aqa-controls { order: 5; }
  #aqa-examples { order: 6; }
}
@media (prefers-reduced-motion: reduce) {
  .aqa-spinner { animation: none; }
  #aqa-app *, #aqa-app *::before, #aqa-app *::after {
    transition: none !important; scroll-behavior: auto !important; }
}
"""
