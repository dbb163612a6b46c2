"""Model benchmark: a fixed small prompt set run against chosen models, one run at a time."""
