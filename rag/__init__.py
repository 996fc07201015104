"""article-qa: ask questions about a news article and get answers with cited passages."""
