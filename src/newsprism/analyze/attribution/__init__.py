"""Attribution extraction: who said what, as a token tagger (source, cue, content) plus decoding rules.

Modules: `tokens` (tokens and paragraphs from text or a spaCy Doc), `quotemarks` (quoted regions, sloppy marks
included), `features` (per-token features), `model` (the trained CRF artifact), `decoding` (tags to grouped
attributions), `speakers` (source text to the article-local full name), `polnear` (reader for the training data).
"""
