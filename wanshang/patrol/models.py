"""日常巡检: the daily patrol of each shop's products across list, detail, API, search index and cache."""
