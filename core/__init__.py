"""The nouns, errors and settings of article-qa: the bottom layer, importing nothing of ours."""
