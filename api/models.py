# The API has no tables of its own yet; API keys arrive with the REST API (issue 4).
